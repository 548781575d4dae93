package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"parabot/bot"
	"parabot/bot/discord"
	"parabot/bot/slack"
	"parabot/storage"
)

// apiClient is the HTTP client of the platform adapters: every call to a
// platform has a deadline.
func apiClient() *http.Client { return &http.Client{Timeout: 20 * time.Second} }

// addAdapters mounts the configured platform adapters on the server and
// registers them as delivery targets.
func (s *server) addAdapters(router *bot.Router) error {
	if s.cfg.Slack() {
		sl, err := slack.New(slack.Config{
			BotToken: s.cfg.SlackBotToken, SigningSecret: s.cfg.SlackSigningSecret, AppToken: s.cfg.SlackAppToken,
			APIURL: s.cfg.SlackAPIURL, Router: router, Store: s.store, Log: s.log.With("platform", "slack"),
			Now: time.Now, HTTPClient: apiClient(), Progress: newProgress(s.store, s.log, nil),
		})
		if err != nil {
			return fmt.Errorf("slack (SLACK_*): %w", err)
		}
		if s.cfg.SlackSigningSecret != "" {
			sl.Routes(s.mux)
		}
		if s.cfg.SlackAppToken != "" {
			s.background = append(s.background, sl.RunSocketMode)
		}
		s.senders[storage.PlatformSlack] = sl
		s.drain = append(s.drain, sl.Wait)
	}
	if s.cfg.Discord() {
		d, err := newDiscord(s, router)
		if err != nil {
			return err
		}
		d.Routes(s.mux)
		if s.cfg.DiscordBotToken != "" {
			s.senders[storage.PlatformDiscord] = d
		}
		if s.cfg.DiscordGateway {
			s.background = append(s.background, d.RunGateway)
		}
		s.drain = append(s.drain, d.Wait)
	}
	return nil
}

func newDiscord(s *server, router *bot.Router) (*discord.Adapter, error) {
	d, err := discord.New(discord.Config{
		BotToken: s.cfg.DiscordBotToken, AppID: s.cfg.DiscordAppID, PublicKey: s.cfg.DiscordPublicKey,
		APIURL: s.cfg.DiscordAPIURL, Router: router, Store: s.store, Log: s.log.With("platform", "discord"),
		Now: time.Now, HTTPClient: apiClient(),
	})
	if err != nil {
		return nil, fmt.Errorf("discord (DISCORD_*): %w", err)
	}
	return d, nil
}

// drainFunc waits for work an adapter finishes after answering.
type drainFunc func(ctx context.Context) error
