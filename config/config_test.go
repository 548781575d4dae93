package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != DefaultDatabaseURL || c.HTTPAddr != ":8080" || c.DBMaxConns != DefaultDBMaxConns || c.LogLevel != "info" {
		t.Errorf("defaults: %+v", c)
	}
	if c.IsPostgres() || c.Slack() || c.Discord() {
		t.Errorf("nothing should be configured: %+v", c)
	}
}

func TestLoadNamesTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PARABOT_DB_MAX_CONNS": "lots"}, "PARABOT_DB_MAX_CONNS"},
		{map[string]string{"PARABOT_LOG_LEVEL": "loud"}, "PARABOT_LOG_LEVEL"},
		{map[string]string{"PARABOT_SHUTDOWN_TIMEOUT": "soon"}, "PARABOT_SHUTDOWN_TIMEOUT"},
		{map[string]string{"SLACK_BOT_TOKEN": "abc", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"},
		{map[string]string{"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "nope"}, "SLACK_APP_TOKEN"},
		{map[string]string{"SLACK_API_URL": "localhost:99"}, "SLACK_API_URL"},
		{map[string]string{"DISCORD_PUBLIC_KEY": "zz", "DISCORD_APP_ID": "1"}, "DISCORD_PUBLIC_KEY"},
		{map[string]string{"DISCORD_BOT_TOKEN": "t"}, "DISCORD_APP_ID"},
		{map[string]string{"PARABOT_DISCORD_GATEWAY": "true"}, "DISCORD_BOT_TOKEN"},
		{map[string]string{"PARABOT_TRIAL_CODES": "vp=loud"}, "PARABOT_TRIAL_CODES"},
	} {
		_, err := Load(env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v: error %v, want one naming %s", tc.env, err, tc.want)
		}
	}
}

func TestDatabaseSelection(t *testing.T) {
	for _, tc := range []struct {
		url      string
		postgres bool
		path     string
	}{
		{"postgres://u@h/db", true, ""},
		{"postgresql://u@h/db", true, ""},
		{"sqlite:school.db", false, "school.db"},
		{"sqlite:///var/lib/parabot.db", false, "/var/lib/parabot.db"},
		{"data/parabot.db", false, "data/parabot.db"},
	} {
		c, err := Load(env(map[string]string{"PARABOT_DATABASE_URL": tc.url}))
		if err != nil {
			t.Fatal(err)
		}
		if c.IsPostgres() != tc.postgres || (!tc.postgres && c.SQLitePath() != tc.path) {
			t.Errorf("%s: postgres=%v path=%q", tc.url, c.IsPostgres(), c.SQLitePath())
		}
	}
}

func TestTrialCodes(t *testing.T) {
	c, err := Load(env(map[string]string{"PARABOT_TRIAL_CODES": "vp=verbal, x=incorrect"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrialCodes) != 2 || c.TrialCodes["x"].Outcome != "incorrect" {
		t.Errorf("codes %+v", c.TrialCodes)
	}
	if c, _ := Load(env(nil)); c.TrialCodes != nil {
		t.Errorf("without the variable the defaults apply: %+v", c.TrialCodes)
	}
}
