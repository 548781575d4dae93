package discord

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"

	"parabot/bot"
)

// Discord's limits on application commands.
const (
	maxCommands    = 100
	maxOptions     = 25
	maxChoices     = 25
	maxNameLen     = 32
	maxDescLen     = 100
	maxChoiceName  = 100
	maxChoiceValue = 100
	maxStringLen   = 6000
)

// nameRE is Discord's rule for command and option names (lower case where
// the script has case).
var nameRE = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// appCommand is a chat input application command as Discord's bulk
// overwrite endpoint takes it.
type appCommand struct {
	Type        discordgo.ApplicationCommandType `json:"type"`
	Name        string                           `json:"name"`
	Description string                           `json:"description"`
	Options     []appOption                      `json:"options"`
}

// appOption is one option of an application command.
type appOption struct {
	Type         discordgo.ApplicationCommandOptionType `json:"type"`
	Name         string                                 `json:"name"`
	Description  string                                 `json:"description"`
	Required     bool                                   `json:"required"`
	Autocomplete bool                                   `json:"autocomplete,omitempty"`
	Choices      []appChoice                            `json:"choices,omitempty"`
	MinValue     *int                                   `json:"min_value,omitempty"`
	MaxValue     *int                                   `json:"max_value,omitempty"`
	MaxLength    int                                    `json:"max_length,omitempty"`
}

// appChoice is a fixed choice of an option, or an autocomplete answer.
type appChoice struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Register creates or updates the application commands from the command
// declarations, by bulk overwrite: in one guild (they appear at once), or
// globally when guildID is "". Running it again changes nothing.
func (a *Adapter) Register(ctx context.Context, guildID string) error {
	cmds, err := appCommands(a.router.Commands())
	if err != nil {
		return err
	}
	path, route := "/applications/"+a.appID+"/commands", "/applications/{app}/commands"
	if guildID != "" {
		if !isSnowflake(guildID) {
			return fmt.Errorf("discord: guild id %q is not a Discord id (a number)", guildID)
		}
		path, route = "/applications/"+a.appID+"/guilds/"+guildID+"/commands", "/applications/{app}/guilds/{guild}/commands"
	}
	var out []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if err := a.rest.do(ctx, call{method: "PUT", route: route, path: path, body: cmds, out: &out, bot: true}); err != nil {
		return fmt.Errorf("registering commands: %w", err)
	}
	a.log.Info("discord commands registered", "guild_id", guildID, "count", len(out))
	return nil
}

// Clear removes the commands registered in one guild (after testing with
// Register(guildID), before registering globally: otherwise that server
// shows every command twice).
func (a *Adapter) Clear(ctx context.Context, guildID string) error {
	if !isSnowflake(guildID) {
		return fmt.Errorf("discord: guild id %q is not a Discord id (a number)", guildID)
	}
	path := "/applications/" + a.appID + "/guilds/" + guildID + "/commands"
	if err := a.rest.do(ctx, call{method: "PUT", route: "/applications/{app}/guilds/{guild}/commands", path: path, body: []appCommand{}, bot: true}); err != nil {
		return fmt.Errorf("removing the server's commands: %w", err)
	}
	a.log.Info("discord guild commands removed", "guild_id", guildID)
	return nil
}

// appCommands generates the application commands from the declarations:
// each parameter becomes an option of the type its Kind calls for.
func appCommands(cmds []*bot.Command) ([]appCommand, error) {
	if len(cmds) > maxCommands {
		return nil, fmt.Errorf("discord allows %d commands; %d are declared", maxCommands, len(cmds))
	}
	out := make([]appCommand, 0, len(cmds))
	seen := map[string]bool{}
	for _, c := range cmds {
		name := strings.ToLower(c.Name)
		if !nameRE.MatchString(name) {
			return nil, fmt.Errorf("command %q: not a valid Discord command name (1-32 letters, digits, - or _)", c.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("command %q is declared twice", name)
		}
		seen[name] = true
		if len(c.Params) > maxOptions {
			return nil, fmt.Errorf("command %q: Discord allows %d options; it declares %d", name, maxOptions, len(c.Params))
		}
		ac := appCommand{
			Type:        discordgo.ChatApplicationCommand,
			Name:        name,
			Description: description(c.Summary, name),
			Options:     []appOption{},
		}
		// Discord wants required options first; keep declaration order
		// within each group.
		var optional []appOption
		for _, p := range c.Params {
			o, err := appOptionOf(p)
			if err != nil {
				return nil, fmt.Errorf("command %q: %w", name, err)
			}
			if guided(c) && p.Kind != bot.KindStudent {
				o.Required = false // the guided form asks for what is left out
			}
			if o.Required {
				ac.Options = append(ac.Options, o)
			} else {
				optional = append(optional, o)
			}
		}
		ac.Options = append(ac.Options, optional...)
		out = append(out, ac)
	}
	return out, nil
}

// appOptionOf maps one parameter declaration to an option. A parameter
// with a default is optional on Discord even when the declaration says
// required: the parser fills it in.
func appOptionOf(p bot.Param) (appOption, error) {
	name := strings.ToLower(p.Name)
	if !nameRE.MatchString(name) {
		return appOption{}, fmt.Errorf("parameter %q: not a valid Discord option name", p.Name)
	}
	o := appOption{
		Type:        discordgo.ApplicationCommandOptionString,
		Name:        name,
		Description: description(cmp.Or(p.Brief, p.Help), name),
		Required:    p.Required && p.Default == "",
	}
	switch p.Kind {
	case bot.KindStudent, bot.KindGoal, bot.KindValues:
		o.Autocomplete = true // values: the chosen goal's type says what to type
	case bot.KindPrompt:
		cs, err := choices(name, bot.PromptChoices())
		if err != nil {
			return appOption{}, err
		}
		o.Choices = cs
	case bot.KindChoice:
		if len(p.Choices) > maxChoices {
			o.Autocomplete = true // Router.Complete offers the declared choices
			break
		}
		cs, err := choices(name, p.Choices)
		if err != nil {
			return appOption{}, err
		}
		o.Choices = cs
	case bot.KindInt:
		o.Type = discordgo.ApplicationCommandOptionInteger
		if p.Min < p.Max {
			lo, hi := p.Min, p.Max
			o.MinValue, o.MaxValue = &lo, &hi
		}
	case bot.KindBool:
		o.Type = discordgo.ApplicationCommandOptionBoolean
	case bot.KindText, bot.KindList:
		n := p.MaxLen
		if n == 0 {
			n = bot.DefaultMaxLen
		}
		if p.Kind == bot.KindText && n <= maxStringLen {
			o.MaxLength = n
		}
		if len(p.Choices) > 0 {
			o.Autocomplete = true // suggestions; any text is still accepted
		}
	}
	return o, nil
}

// choices maps declared choices to Discord's; a value is sent back as
// typed, so one too long for Discord is an error, not a cut.
func choices(param string, cs []bot.Choice) ([]appChoice, error) {
	out := make([]appChoice, 0, len(cs))
	for _, c := range cs {
		if c.Value == "" || len(c.Value) > maxChoiceValue {
			return nil, fmt.Errorf("parameter %q: choice value %q must be 1-%d characters", param, c.Value, maxChoiceValue)
		}
		label := c.Label
		if label == "" {
			label = c.Value
		}
		out = append(out, appChoice{Name: clip(label, maxChoiceName), Value: c.Value})
	}
	return out, nil
}

// description fits a help line into Discord's 1-100 characters.
func description(help, fallback string) string {
	help = strings.TrimSpace(help)
	if help == "" {
		help = fallback
	}
	return clip(help, maxDescLen)
}

// isSnowflake reports whether s looks like a Discord id.
func isSnowflake(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
