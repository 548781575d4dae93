package slack

import (
	"context"
	"errors"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"parabot/scheduler"
)

// UserByEmail finds the Slack user with an email (users.lookupByEmail), so
// a delivery reaches staff who never used the bot. It implements
// scheduler.UserFinder.
func (a *Adapter) UserByEmail(ctx context.Context, email string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	u, err := a.api.GetUserByEmailContext(ctx, email)
	if err != nil {
		var serr slackapi.SlackErrorResponse
		if errors.As(err, &serr) && serr.Err == "users_not_found" {
			return "", scheduler.ErrNoSuchUser
		}
		return "", fmt.Errorf("slack users.lookupByEmail: %w", err)
	}
	return u.ID, nil
}

var _ scheduler.UserFinder = (*Adapter)(nil)
