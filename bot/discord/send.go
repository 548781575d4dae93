package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"parabot/bot"
	"parabot/scheduler"
)

// Discord error codes that retrying cannot fix.
var permanentCodes = map[int]bool{
	10003: true, // unknown channel
	10013: true, // unknown user
	50001: true, // missing access
	50007: true, // cannot send messages to this user (DMs closed)
	50013: true, // missing permissions
}

// errNoToken: without a bot token (HTTP interactions only) parabot can
// answer commands but cannot send messages of its own.
var errNoToken = &scheduler.Permanent{Err: errors.New("discord: sending messages needs DISCORD_BOT_TOKEN")}

// Discord channel types we post in: text and announcement channels.
const (
	channelText         = 0
	channelAnnouncement = 5
)

// Share keeps this replica to its share of the bot's global rate limit:
// the scheduler tells it how many replicas call Discord (scheduler.Sharer).
func (a *Adapter) Share(replicas int) { a.rest.lim.share(replicas) }

// SendDM sends r as a direct message to a Discord user: it opens (or
// reuses) the DM channel, then posts in it.
func (a *Adapter) SendDM(ctx context.Context, userID string, r bot.Reply) error {
	if a.token == "" {
		return errNoToken
	}
	if !isSnowflake(userID) {
		return &scheduler.Permanent{Err: fmt.Errorf("discord: %q is not a Discord user id", userID)}
	}
	ch, err := a.dmChannel(ctx, userID)
	if err != nil {
		return sendError(err)
	}
	if err := a.createMessage(ctx, ch, r); err != nil {
		var api *APIError
		if errors.As(err, &api) && api.Code == 10003 { // the DM channel is gone: open a new one next time
			a.mu.Lock()
			delete(a.dms, userID)
			a.mu.Unlock()
			return err
		}
		return sendError(err)
	}
	return nil
}

// PostChannel posts r in a channel given by id or by name (with or
// without "#"), as the roster names it; names are looked up in the guilds
// the bot is in.
func (a *Adapter) PostChannel(ctx context.Context, channel string, r bot.Reply) error {
	if a.token == "" {
		return errNoToken
	}
	id := strings.TrimPrefix(strings.TrimSpace(channel), "#")
	if !isSnowflake(id) {
		var err error
		if id, err = a.channelByName(ctx, id); err != nil {
			return sendError(err)
		}
	}
	return sendError(a.createMessage(ctx, id, r))
}

// sendError marks errors that retrying cannot fix as scheduler.Permanent.
// Rate limits stay RateLimitErrors (scheduler.RetryAfter).
func sendError(err error) error {
	var api *APIError
	if errors.As(err, &api) && (permanentCodes[api.Code] || api.Status == http.StatusBadRequest ||
		api.Status == http.StatusForbidden || api.Status == http.StatusNotFound) {
		return &scheduler.Permanent{Err: err}
	}
	return err
}

func (a *Adapter) dmChannel(ctx context.Context, userID string) (string, error) {
	a.mu.Lock()
	id, ok := a.dms[userID]
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	var ch struct {
		ID string `json:"id"`
	}
	err := a.rest.do(ctx, call{method: "POST", route: "/users/@me/channels", path: "/users/@me/channels",
		body: map[string]string{"recipient_id": userID}, out: &ch, bot: true})
	if err != nil {
		return "", fmt.Errorf("opening DM channel: %w", err)
	}
	if ch.ID == "" {
		return "", errors.New("opening DM channel: Discord returned no channel id")
	}
	a.mu.Lock()
	a.dms[userID] = ch.ID
	a.mu.Unlock()
	return ch.ID, nil
}

// createMessage posts r in a channel with a nonce Discord enforces: if an
// earlier attempt did post but its answer was lost, the retry returns that
// message instead of posting a second one. The nonce is a digest of the
// delivery key (scheduler.DeliveryKey), the channel and the message, so
// every attempt of one delivery job shares it while two jobs with the
// same text do not; without a delivery key it is a digest of channel and
// message alone.
func (a *Adapter) createMessage(ctx context.Context, channelID string, r bot.Reply) error {
	r.Private = false // ephemeral exists only in interaction answers
	m := render(r)
	m.Attachments = attachments(r.Files)
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encoding message: %w", err)
	}
	seed := append([]byte(channelID+"\x00"), b...)
	if key := scheduler.DeliveryKey(ctx); key != "" {
		seed = append([]byte(key+"\x00"), seed...)
	}
	sum := sha256.Sum256(seed)
	m.Nonce, m.EnforceNonce = hex.EncodeToString(sum[:])[:25], true
	err = a.rest.do(ctx, call{method: "POST", route: "/channels/{channel}/messages",
		path: "/channels/" + channelID + "/messages", body: m, bot: true, files: r.Files})
	if err != nil {
		return fmt.Errorf("posting message in channel %s: %w", channelID, err)
	}
	return nil
}

// channelByName finds a text channel by name in the bot's guilds.
func (a *Adapter) channelByName(ctx context.Context, name string) (string, error) {
	key := strings.ToLower(name)
	now := a.now()
	a.mu.Lock()
	c, ok := a.channels[key]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.id, nil
	}
	var guilds []struct {
		ID string `json:"id"`
	}
	if err := a.rest.do(ctx, call{method: "GET", route: "/users/@me/guilds", path: "/users/@me/guilds", out: &guilds, bot: true}); err != nil {
		return "", fmt.Errorf("listing guilds: %w", err)
	}
	var found []string
	for _, g := range guilds {
		if !isSnowflake(g.ID) {
			continue
		}
		var chans []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Type int    `json:"type"`
		}
		if err := a.rest.do(ctx, call{method: "GET", route: "/guilds/{guild}/channels", path: "/guilds/" + g.ID + "/channels", out: &chans, bot: true}); err != nil {
			return "", fmt.Errorf("listing channels of guild %s: %w", g.ID, err)
		}
		for _, ch := range chans {
			if (ch.Type == channelText || ch.Type == channelAnnouncement) && strings.EqualFold(ch.Name, name) {
				found = append(found, ch.ID)
			}
		}
	}
	switch len(found) {
	case 0:
		return "", &scheduler.Permanent{Err: fmt.Errorf("discord: no text channel named %q in the bot's %d guild(s)", name, len(guilds))}
	case 1:
	default:
		return "", &scheduler.Permanent{Err: fmt.Errorf("discord: %d text channels are named %q; give the channel id in the roster", len(found), name)}
	}
	a.mu.Lock()
	a.channels[key] = cachedChannel{id: found[0], expires: now.Add(cacheTTL)}
	a.mu.Unlock()
	return found[0], nil
}
