package bot

import (
	"errors"
	"fmt"
)

// UserError is an error whose message is meant for the person who typed
// the command: short, specific, saying what to type instead. Param names
// the parameter at fault when there is one.
type UserError struct {
	Param string
	Msg   string
	// Choices are values of Param the user may have meant (the closest
	// students to a misspelt name); the router offers them as buttons
	// that run the command again with that value.
	Choices []Choice
	// Missing is set when Param was required and not given, so a guided
	// surface (the terminal) may ask for it and run the command again.
	Missing bool
	// Example, when set, is the arguments of an example that fits what
	// was typed ("S101 G2 8m30s" for a duration goal), shown in place of
	// the command's first example.
	Example string
}

func (e *UserError) Error() string { return e.Msg }

// Missingf returns a UserError about a required parameter that was not
// given.
func Missingf(param, format string, args ...any) error {
	return &UserError{Param: param, Msg: fmt.Sprintf(format, args...), Missing: true}
}

// Errorf returns a UserError about parameter param ("" for none).
func Errorf(param, format string, args ...any) error {
	return &UserError{Param: param, Msg: fmt.Sprintf(format, args...)}
}

// AsUserError reports whether err carries a message for the user.
func AsUserError(err error) (*UserError, bool) {
	var ue *UserError
	if errors.As(err, &ue) {
		return ue, true
	}
	return nil, false
}

// TryAgain is what a user is told when the database could not be reached
// (storage.IsUnavailable): nothing was saved, and trying again soon works.
const TryAgain = "The database is not answering right now, so nothing was saved. Please try again in a minute."

// SomethingWentWrong is all a user is told of an unexpected error.
const SomethingWentWrong = "Something went wrong; nothing was saved."

// AlreadyHandled is all a user is told of a replayed or redelivered
// request: it was logged the first time, and nothing was saved again.
const AlreadyHandled = "That was already handled."

// NoLongerAllowed answers a write refused because, as the roster stands
// now, its author may not log for the student (made inactive, or the
// assignment or cover removed since the command was read).
const NoLongerAllowed = "Nothing was saved: as the roster stands now, you may not log for this student (you or the student were made inactive, or the assignment was removed). Ask an administrator if this is a mistake."
