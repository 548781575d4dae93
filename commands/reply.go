package commands

import (
	"context"
	"fmt"

	"parabot/bot"
)

// Reply answers an escalation: from someone it reached, the note goes to
// whoever raised it; from them, to everyone told. It is the form the
// Reply button of an escalation's message opens.
func Reply(d Deps) *bot.Command {
	return &bot.Command{
		Name:    "reply",
		Summary: "Answer an escalation: the note goes to whoever raised it (from them, to everyone told).",
		Params: []bot.Param{
			escalationIDParam(),
			{Name: "text", Kind: bot.KindText, Required: true, Positional: true, MaxLen: 2000,
				Help: "your answer"},
		},
		Examples: []string{"/reply 12 I'll come by at 11"},
		Run: func(ctx context.Context, c *bot.Call) (bot.Reply, error) {
			a := actor{Staff: c.Staff, School: c.School, Now: c.Now, Platform: c.Req.Platform}
			return reply(ctx, d, a, int64(c.Values.Int("id")), c.Values.Text("text"))
		},
	}
}

// replyForm is the answer to an escalation's Reply button: the /reply
// form with the escalation filled in (a Slack or Discord modal, a
// question in the terminal), or, where no form opens, what to type.
func replyForm(_ context.Context, c *bot.PressCall) (bot.Reply, error) {
	id, ok := parseID(c.Press.Value)
	if !ok {
		return bot.Reply{}, bot.Errorf("", "That button is broken; type /reply <id> <your answer> instead.")
	}
	return bot.Reply{Text: fmt.Sprintf("Type /reply %d <your answer>; it goes to whoever raised it.", id), Private: true,
		Form: &bot.Form{Command: "reply", Values: map[string]string{"id": fmt.Sprint(id)}}}, nil
}
