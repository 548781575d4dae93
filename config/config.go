// Package config loads parabot's settings from the environment and
// validates them, naming the variable at fault.
package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"parabot/bot"
)

// Config is every setting of parabot. The README lists each variable with
// its default.
type Config struct {
	DatabaseURL     string        // PARABOT_DATABASE_URL
	HTTPAddr        string        // PARABOT_HTTP_ADDR
	LogLevel        string        // PARABOT_LOG_LEVEL: debug, info, warn, error
	DBMaxConns      int           // PARABOT_DB_MAX_CONNS (Postgres pool size)
	ShutdownTimeout time.Duration // PARABOT_SHUTDOWN_TIMEOUT
	// WorkspaceSchool is the school whose admins a user not on the roster
	// is told to ask (PARABOT_WORKSPACE_SCHOOL).
	WorkspaceSchool string

	SlackBotToken      string // SLACK_BOT_TOKEN
	SlackSigningSecret string // SLACK_SIGNING_SECRET
	SlackAppToken      string // SLACK_APP_TOKEN (Socket Mode)
	SlackAPIURL        string // SLACK_API_URL

	DiscordBotToken  string // DISCORD_BOT_TOKEN
	DiscordAppID     string // DISCORD_APP_ID
	DiscordPublicKey string // DISCORD_PUBLIC_KEY
	DiscordAPIURL    string // DISCORD_API_URL
	DiscordGateway   bool   // PARABOT_DISCORD_GATEWAY

	OpenAIKey     string        // OPENAI_API_KEY
	OpenAIBaseURL string        // OPENAI_BASE_URL
	LLMModel      string        // PARABOT_LLM_MODEL
	LLMTimeout    time.Duration // PARABOT_LLM_TIMEOUT

	// TrialCodes are the school's data-sheet codes (PARABOT_TRIAL_CODES,
	// "vp=verbal, p=partial physical, nr=no response"); nil means the
	// defaults.
	TrialCodes bot.Codes
}

// Defaults for the settings that have one.
const (
	DefaultDatabaseURL = "parabot.db"
	DefaultHTTPAddr    = ":8080"
	DefaultDBMaxConns  = 10
	DefaultLLMTimeout  = 20 * time.Second
)

// Load reads the settings from getenv (os.Getenv in main, a map in tests)
// and validates them.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:        getenv("PARABOT_DATABASE_URL"),
		HTTPAddr:           getenv("PARABOT_HTTP_ADDR"),
		LogLevel:           strings.ToLower(getenv("PARABOT_LOG_LEVEL")),
		WorkspaceSchool:    strings.TrimSpace(getenv("PARABOT_WORKSPACE_SCHOOL")),
		SlackBotToken:      getenv("SLACK_BOT_TOKEN"),
		SlackSigningSecret: getenv("SLACK_SIGNING_SECRET"),
		SlackAppToken:      getenv("SLACK_APP_TOKEN"),
		SlackAPIURL:        getenv("SLACK_API_URL"),
		DiscordBotToken:    getenv("DISCORD_BOT_TOKEN"),
		DiscordAppID:       getenv("DISCORD_APP_ID"),
		DiscordPublicKey:   getenv("DISCORD_PUBLIC_KEY"),
		DiscordAPIURL:      getenv("DISCORD_API_URL"),
		OpenAIKey:          getenv("OPENAI_API_KEY"),
		OpenAIBaseURL:      getenv("OPENAI_BASE_URL"),
		LLMModel:           getenv("PARABOT_LLM_MODEL"),
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = DefaultHTTPAddr
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	var errs []error
	c.DBMaxConns = DefaultDBMaxConns
	if v := getenv("PARABOT_DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("PARABOT_DB_MAX_CONNS: %q is not a number from 1 to 1000", v))
		}
		c.DBMaxConns = n
	}
	c.ShutdownTimeout = 20 * time.Second
	if v := getenv("PARABOT_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("PARABOT_SHUTDOWN_TIMEOUT: %q is not a positive duration like 20s", v))
		}
		c.ShutdownTimeout = d
	}
	c.LLMTimeout = DefaultLLMTimeout
	if v := getenv("PARABOT_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 5*time.Minute {
			errs = append(errs, fmt.Errorf("PARABOT_LLM_TIMEOUT: %q is not a duration from 1s to 5m, like 20s", v))
		}
		c.LLMTimeout = d
	}
	if v := getenv("PARABOT_DISCORD_GATEWAY"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("PARABOT_DISCORD_GATEWAY: %q is not true or false", v))
		}
		c.DiscordGateway = b
	}
	if v := getenv("PARABOT_TRIAL_CODES"); v != "" {
		codes, err := bot.ParseCodes(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("PARABOT_TRIAL_CODES: %w", err))
		}
		c.TrialCodes = codes
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// Validate checks the settings hang together, naming the variable at
// fault in each problem.
func (c Config) Validate() error {
	var errs []error
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("PARABOT_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	if strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		if _, err := url.Parse(c.DatabaseURL); err != nil {
			errs = append(errs, errors.New("PARABOT_DATABASE_URL: not a valid postgres:// URL"))
		}
	}
	for _, u := range []struct{ name, v string }{{"SLACK_API_URL", c.SlackAPIURL}, {"DISCORD_API_URL", c.DiscordAPIURL}, {"OPENAI_BASE_URL", c.OpenAIBaseURL}} {
		if u.v == "" {
			continue
		}
		if p, err := url.Parse(u.v); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s: %q is not an http(s) URL", u.name, u.v))
		}
	}
	if c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
		errs = append(errs, errors.New("SLACK_BOT_TOKEN: a bot token starts with xoxb-"))
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		errs = append(errs, errors.New("SLACK_APP_TOKEN: an app-level token starts with xapp-"))
	}
	if c.SlackBotToken != "" && c.SlackAppToken == "" && c.SlackSigningSecret == "" {
		errs = append(errs, errors.New("SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN for the HTTP endpoints (or set SLACK_APP_TOKEN for Socket Mode)"))
	}
	if (c.SlackSigningSecret != "" || c.SlackAppToken != "") && c.SlackBotToken == "" {
		errs = append(errs, errors.New("SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set"))
	}
	if c.DiscordPublicKey != "" {
		if b, err := hex.DecodeString(c.DiscordPublicKey); err != nil || len(b) != 32 {
			errs = append(errs, errors.New("DISCORD_PUBLIC_KEY: must be the application's public key, 64 hex characters"))
		}
	}
	if (c.DiscordBotToken != "" || c.DiscordPublicKey != "") && c.DiscordAppID == "" {
		errs = append(errs, errors.New("DISCORD_APP_ID: required with DISCORD_BOT_TOKEN or DISCORD_PUBLIC_KEY"))
	}
	if c.DiscordGateway && c.DiscordBotToken == "" {
		errs = append(errs, errors.New("DISCORD_BOT_TOKEN: required when PARABOT_DISCORD_GATEWAY is true"))
	}
	if c.LLMModel != "" && c.OpenAIKey == "" && c.OpenAIBaseURL == "" {
		errs = append(errs, errors.New("OPENAI_API_KEY: required with PARABOT_LLM_MODEL (or set OPENAI_BASE_URL for a local server that needs no key)"))
	}
	if c.LLMModel == "" && (c.OpenAIKey != "" || c.OpenAIBaseURL != "") {
		errs = append(errs, errors.New("PARABOT_LLM_MODEL: required with OPENAI_API_KEY or OPENAI_BASE_URL (the model name, e.g. gpt-4o-mini)"))
	}
	return errors.Join(errs...)
}

// LLM reports whether a language model is configured for the optional
// narrative.
func (c Config) LLM() bool { return c.LLMModel != "" }

// Slack reports whether Slack is configured.
func (c Config) Slack() bool { return c.SlackBotToken != "" }

// Discord reports whether Discord is configured.
func (c Config) Discord() bool {
	return c.DiscordAppID != "" && (c.DiscordBotToken != "" || c.DiscordPublicKey != "")
}

// IsPostgres reports whether the database URL selects Postgres.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// SQLitePath is the file path of a SQLite database URL ("sqlite:" prefix
// and "sqlite://" accepted).
func (c Config) SQLitePath() string {
	p := strings.TrimPrefix(c.DatabaseURL, "sqlite://")
	return strings.TrimPrefix(p, "sqlite:")
}
