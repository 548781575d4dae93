package storage_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"parabot/storage"
)

type sqlStateError string

func (e sqlStateError) Error() string    { return "postgres error " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

func TestIsUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", storage.ErrNotFound, false},
		{"connection refused", fmt.Errorf("acquiring: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{"reset", fmt.Errorf("query: %w", syscall.ECONNRESET), true},
		{"unexpected EOF", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true},
		{"admin shutdown 57P01", fmt.Errorf("logging note: %w", sqlStateError("57P01")), true},
		{"cannot connect now 57P03", sqlStateError("57P03"), true},
		{"connection failure 08006", sqlStateError("08006"), true},
		{"unique violation 23505", sqlStateError("23505"), false},
		{"bad bytes 22021", sqlStateError("22021"), false},
		{"other", errors.New("boom"), false},
	} {
		if got := storage.IsUnavailable(tc.err); got != tc.want {
			t.Errorf("%s: IsUnavailable = %v, want %v", tc.name, got, tc.want)
		}
	}
}
