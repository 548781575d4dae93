package summary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"parabot/storage"

	openai "github.com/sashabaranov/go-openai"
)

// Narrative is the optional paragraph about one student written by an
// LLM. Text is empty when there is none, and Reason then says why (no
// server configured, a timeout, an answer that was refused); the summary
// is complete without it.
type Narrative struct {
	Text   string
	Reason string
}

// Narrator writes narratives through any OpenAI-compatible server. What it
// sends is de-identified: the student is "Student A", peers "Student B"..,
// staff their role ("Para 1"), and every roster name, initial, code and
// handle is scrubbed from free text. Names are put back on our side.
type Narrator struct {
	client   *openai.Client
	model    string
	timeout  time.Duration
	maxChars int
	log      *slog.Logger
}

// NarratorConfig configures a Narrator; zero values take the defaults.
type NarratorConfig struct {
	APIKey  string // OPENAI_API_KEY; local servers often need none
	BaseURL string // OPENAI_BASE_URL, e.g. http://localhost:11434/v1
	Model   string // PARABOT_LLM_MODEL
	// Timeout bounds one request (default 20 s); a slow server costs the
	// summary its narrative, never its delivery.
	Timeout  time.Duration
	MaxChars int // longer answers are refused (default 1200)
	HTTP     *http.Client
	Log      *slog.Logger
}

// NewNarrator builds a Narrator; it makes no request.
func NewNarrator(c NarratorConfig) *Narrator {
	cfg := openai.DefaultConfig(c.APIKey)
	if c.BaseURL != "" {
		cfg.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	}
	if c.Timeout <= 0 {
		c.Timeout = 20 * time.Second
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: c.Timeout + 5*time.Second}
	}
	cfg.HTTPClient = c.HTTP
	if c.MaxChars <= 0 {
		c.MaxChars = 1200
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Narrator{client: openai.NewClientWithConfig(cfg), model: c.Model, timeout: c.Timeout, maxChars: c.MaxChars, log: c.Log}
}

// systemPrompt tells the model what to write and what not to.
const systemPrompt = `You write one short paragraph (at most 120 words) in plain language for a special-education teacher about one student's school period, from the facts given. Call the student "Student A". Other people appear only as the placeholders used in the facts (such as "Student B" or "Para 1"); use no other names and invent no facts. No headings, no lists.`

// Narrate asks for one student's paragraph. It never fails: without a
// server, on an error, a timeout or an answer that is empty, too long,
// names someone or holds a placeholder it was not given, the Narrative
// has no Text and says why.
func (n *Narrator) Narrate(ctx context.Context, s Student, people People, staff map[int64]StaffMember) Narrative {
	if n == nil {
		return Narrative{Reason: "no language model is configured"}
	}
	d := newDeidentifier(s.Student, withStaff(people, staff))
	facts := d.scrub(factSheet(s, staff, d))
	if term, ok := d.found(facts); ok { // cannot happen: scrub removed every term
		n.log.Error("narrative facts still identify someone", "student_id", s.Student.ID, "term_length", len(term))
		return Narrative{Reason: "the facts could not be de-identified"}
	}
	ctx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	resp, err := n.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model: n.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: facts},
		},
		MaxTokens:   400,
		Temperature: 0.2,
	})
	if err != nil {
		reason := "the language model server answered with an error"
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			reason = "the language model did not answer in time"
		}
		var apiErr *openai.APIError
		status := 0
		if errors.As(err, &apiErr) {
			status = apiErr.HTTPStatusCode
		}
		// The error text may quote the server; log only what identifies no one.
		n.log.Warn("narrative request failed", "student_id", s.Student.ID, "status", status, "timeout", ctx.Err() != nil)
		return Narrative{Reason: reason}
	}
	text := ""
	if len(resp.Choices) > 0 {
		text = strings.TrimSpace(resp.Choices[0].Message.Content)
	}
	if reason := n.refuse(text, d); reason != "" {
		n.log.Warn("narrative refused", "student_id", s.Student.ID, "reason", reason, "length", len(text))
		return Narrative{Reason: reason}
	}
	return Narrative{Text: d.reidentify(text)}
}

// refuse says why an answer cannot be used, or "" when it can.
func (n *Narrator) refuse(text string, d *deidentifier) string {
	switch {
	case text == "":
		return "the language model gave an empty answer"
	case len(text) > n.maxChars:
		return "the language model's answer was too long"
	}
	if _, ok := d.found(text); ok {
		return "the language model's answer named someone"
	}
	if _, ok := d.unknownPlaceholder(text); ok {
		return "the language model's answer had a placeholder it was not given"
	}
	if !strings.Contains(text, "Student A") {
		return "the language model's answer was not about the student"
	}
	return ""
}

// factSheet is what the model is told, before scrubbing: numbers, goal
// texts and the period's free text. Staff appear by placeholder only.
func factSheet(s Student, staff map[int64]StaffMember, d *deidentifier) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Period: %s to %s.\n", s.From.Format("Mon Jan 2"), s.To.Format("Mon Jan 2"))
	for _, g := range s.Goals {
		fmt.Fprintf(&b, "Goal %s (%s): %s\n  %s\n", g.Goal.Code, typeName(g.Goal.Type), g.Goal.Text, goalLine(g, false))
	}
	for _, r := range s.Recorders {
		fmt.Fprintf(&b, "Data recorded by %s: %s.\n", staffPlaceholder(r.StaffID, staff, d), plural(r.Sessions, "session"))
	}
	for _, l := range incidentLines(s.Incidents, true) {
		b.WriteString(l + "\n")
	}
	for _, x := range s.Incidents.Incidents {
		fmt.Fprintf(&b, "Incident %s, severity %d: before: %s; behavior: %s; after: %s; notes: %s\n",
			x.At.Format("Mon 15:04"), x.Severity, x.Antecedent, x.Behavior, x.Consequence, x.Notes)
	}
	if l := transitionLine(s.Transitions); l != "" {
		b.WriteString(l + "\n")
	}
	for _, f := range s.Flags {
		b.WriteString("Flag: " + f.Text + "\n")
	}
	for _, nt := range s.Notes {
		fmt.Fprintf(&b, "Note %s from %s: %s\n", nt.At.Format("Mon"), staffPlaceholder(nt.StaffID, staff, d), nt.Text)
	}
	return b.String()
}

// staffPlaceholder names a staff member by their role placeholder.
func staffPlaceholder(id int64, staff map[int64]StaffMember, d *deidentifier) string {
	m, ok := staff[id]
	if !ok {
		return "a staff member"
	}
	return d.placeholderFor(term{person: fmt.Sprint("staff:", id), name: m.Name, role: roleWord(m.Role)})
}

// withStaff adds the staff of the summary who are missing from people, so
// their names are scrubbed too.
func withStaff(people People, staff map[int64]StaffMember) People {
	known := map[int64]bool{}
	for _, s := range people.Staff {
		known[s.ID] = true
	}
	out := People{Students: people.Students, Staff: append([]storage.Staff(nil), people.Staff...)}
	for id, m := range staff {
		if !known[id] {
			out.Staff = append(out.Staff, storage.Staff{ID: id, Name: m.Name, Role: m.Role})
		}
	}
	sort.Slice(out.Staff, func(i, j int) bool { return out.Staff[i].ID < out.Staff[j].ID })
	return out
}
