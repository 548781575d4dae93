package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"parabot/bot"
	"parabot/commands"
)

func TestRegistrationPayload(t *testing.T) {
	cmds, err := appCommands(testCommands(new(atomic.Int64), nil))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(cmds, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// Required options first, in declaration order; then the optional
	// ones. Students and goals autocomplete; prompts and choices are
	// choices; integers have bounds; text has a length limit.
	want := `[
  {
    "type": 1,
    "name": "log",
    "description": "Log trials for a student's goal.",
    "options": [
      {
        "type": 3,
        "name": "student",
        "description": "the student's code, initials or first name",
        "required": true,
        "autocomplete": true
      },
      {
        "type": 3,
        "name": "goal",
        "description": "the goal code, e.g. G2",
        "required": true,
        "autocomplete": true
      },
      {
        "type": 3,
        "name": "trials",
        "description": "trial codes, e.g. + + v - +",
        "required": true
      },
      {
        "type": 3,
        "name": "note",
        "description": "anything else",
        "required": false,
        "max_length": 300
      },
      {
        "type": 3,
        "name": "prompt",
        "description": "the prompt level used",
        "required": false,
        "choices": [
          {
            "name": "independent",
            "value": "independent"
          },
          {
            "name": "gestural",
            "value": "gestural"
          },
          {
            "name": "verbal",
            "value": "verbal"
          },
          {
            "name": "model",
            "value": "model"
          },
          {
            "name": "partial physical",
            "value": "partial physical"
          },
          {
            "name": "full physical",
            "value": "full physical"
          }
        ]
      },
      {
        "type": 3,
        "name": "at",
        "description": "when it happened",
        "required": false
      },
      {
        "type": 4,
        "name": "count",
        "description": "a number from 1 to 5",
        "required": false,
        "min_value": 1,
        "max_value": 5
      },
      {
        "type": 5,
        "name": "ok",
        "description": "did it go well (yes/no)",
        "required": false
      },
      {
        "type": 3,
        "name": "mood",
        "description": "the student's mood",
        "required": false,
        "choices": [
          {
            "name": "Calm",
            "value": "calm"
          },
          {
            "name": "Upset",
            "value": "upset"
          }
        ]
      },
      {
        "type": 3,
        "name": "lasted",
        "description": "how long it lasted, e.g. 5m, 90s or 1h30m; this help line is long on purpose, well past Discord's l…",
        "required": false
      },
      {
        "type": 3,
        "name": "tried",
        "description": "strategies tried, comma-separated",
        "required": false
      }
    ]
  },
  {
    "type": 1,
    "name": "slow",
    "description": "Takes its time.",
    "options": []
  }
]`
	if string(got) != want {
		t.Errorf("payload\n%s\nwant\n%s", got, want)
	}
}

func TestRegistrationFollowsDeclarations(t *testing.T) {
	// Adding a parameter to a declaration adds an option: no Discord code.
	cmds := testCommands(new(atomic.Int64), nil)
	cmds[0].Params = append(cmds[0].Params, bot.Param{Name: "Setting", Kind: bot.KindText, Help: "where"})
	ac, err := appCommands(cmds)
	if err != nil {
		t.Fatal(err)
	}
	last := ac[0].Options[len(ac[0].Options)-1]
	if last.Name != "setting" || last.Type != 3 || last.MaxLength != bot.DefaultMaxLen {
		t.Errorf("new parameter became %+v", last)
	}
}

func TestRegistrationRefusesWhatDiscordWould(t *testing.T) {
	many := make([]bot.Param, 26)
	for i := range many {
		many[i] = bot.Param{Name: "p" + strconv.Itoa(i), Kind: bot.KindText}
	}
	manyChoices := make([]bot.Choice, 30)
	for i := range manyChoices {
		manyChoices[i] = bot.Choice{Value: "c" + strconv.Itoa(i)}
	}
	tests := []struct {
		name string
		cmds []*bot.Command
		want string // in the error; "" for no error
	}{
		{"26 options", []*bot.Command{{Name: "big", Params: many}}, "allows 25 options"},
		{"name with a space", []*bot.Command{{Name: "log trial"}}, "not a valid Discord command name"},
		{"name too long", []*bot.Command{{Name: strings.Repeat("a", 33)}}, "not a valid Discord command name"},
		{"option name with a dot", []*bot.Command{{Name: "x", Params: []bot.Param{{Name: "a.b"}}}}, "not a valid Discord option name"},
		{"same name twice", []*bot.Command{{Name: "x"}, {Name: "X"}}, "declared twice"},
		{"choice value too long", []*bot.Command{{Name: "x", Params: []bot.Param{{Name: "c", Kind: bot.KindChoice, Choices: []bot.Choice{{Value: strings.Repeat("v", 101)}}}}}}, "choice value"},
		{"more than 25 choices autocomplete", []*bot.Command{{Name: "x", Params: []bot.Param{{Name: "c", Kind: bot.KindChoice, Choices: manyChoices}}}}, ""},
		{"upper case is lowered", []*bot.Command{{Name: "Trial", Params: []bot.Param{{Name: "Student", Kind: bot.KindStudent}}}}, ""},
		{"no summary", []*bot.Command{{Name: "x"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ac, err := appCommands(tt.cmds)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				for _, c := range ac {
					if c.Name != strings.ToLower(c.Name) || c.Description == "" {
						t.Errorf("command %+v: Discord needs a lower-case name and a description", c)
					}
					for _, o := range c.Options {
						if o.Name != strings.ToLower(o.Name) || o.Description == "" || (o.Autocomplete && len(o.Choices) > 0) || len(o.Choices) > 25 {
							t.Errorf("option %+v breaks Discord's rules", o)
						}
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	for _, guild := range []string{testGuild, ""} {
		t.Run("guild="+guild, func(t *testing.T) {
			e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
			if err := e.adapter.Register(context.Background(), guild); err != nil {
				t.Fatal(err)
			}
			if err := e.adapter.Register(context.Background(), guild); err != nil {
				t.Fatal(err) // re-running is harmless: a bulk overwrite
			}
			path := "PUT /applications/" + testAppID + "/commands"
			if guild != "" {
				path = "PUT /applications/" + testAppID + "/guilds/" + guild + "/commands"
			}
			reqs := e.discord.Requests(path)
			if len(reqs) != 2 {
				t.Fatalf("%d requests to %s, want 2; all: %v", len(reqs), path, e.discord.Requests(""))
			}
			if reqs[0].Auth != "Bot "+testToken {
				t.Errorf("Authorization %q", reqs[0].Auth)
			}
			want, _ := appCommands(testCommands(new(atomic.Int64), nil))
			wantJSON, _ := json.Marshal(want)
			if string(reqs[0].Body) != string(wantJSON) || string(reqs[1].Body) != string(wantJSON) {
				t.Errorf("body\n%s\nwant\n%s", reqs[0].Body, wantJSON)
			}
			checkLogs(t, e.logs)
		})
	}
	e := newEnv(t, store, testCommands(new(atomic.Int64), nil))
	if err := e.adapter.Register(context.Background(), "../../x"); err == nil {
		t.Errorf("a guild id that is not a number was accepted")
	}
}

// The real commands' descriptions fit Discord's 100 characters whole, so
// none is cut with "…" and the prompt codes show.
func TestRealDescriptionsFit(t *testing.T) {
	store := newStore(t)
	cmds, err := appCommands(commands.All(commands.Deps{Store: store, Log: slog.New(slog.DiscardHandler)}))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, c := range cmds {
		if utf8.RuneCountInString(c.Description) > maxDescLen || strings.HasSuffix(c.Description, "…") {
			t.Errorf("/%s description cut: %q", c.Name, c.Description)
		}
		for _, o := range c.Options {
			if utf8.RuneCountInString(o.Description) > maxDescLen || strings.HasSuffix(o.Description, "…") {
				t.Errorf("/%s %s description cut: %q", c.Name, o.Name, o.Description)
			}
			found[c.Name+"."+o.Name] = o.Description
		}
	}
	for key, codes := range map[string]string{"trial.trials": "VP GP M P FP", "transition.prompt": "pp partial physical, fp full physical"} {
		if !strings.Contains(found[key], codes) {
			t.Errorf("%s description %q does not show the codes %q", key, found[key], codes)
		}
	}
}

// Clear empties one server's command set and leaves the global one alone.
func TestClearGuild(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newStore(t), testCommands(new(atomic.Int64), nil))
	if err := e.adapter.Clear(context.Background(), testGuild); err != nil {
		t.Fatal(err)
	}
	reqs := e.discord.Requests("PUT /applications/" + testAppID + "/guilds/" + testGuild + "/commands")
	if len(reqs) != 1 || strings.TrimSpace(string(reqs[0].Body)) != "[]" {
		t.Fatalf("requests %v, want one PUT of []", e.discord.Requests(""))
	}
	if n := len(e.discord.Requests("")); n != 1 {
		t.Errorf("%d requests, want only the guild's PUT", n)
	}
	if err := e.adapter.Clear(context.Background(), ""); err == nil {
		t.Error("Clear without a guild id was accepted")
	}
}
