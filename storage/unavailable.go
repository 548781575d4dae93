package storage

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// IsUnavailable reports whether err says the database could not be
// reached or dropped the connection (restarting, failing over, network
// down), as opposed to refusing the statement. Nothing was written, and
// the same request may well succeed a little later.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	// Postgres: class 08 is a connection exception; 57P01-57P03 are an
	// administrator's or a crash's shutdown, and "cannot connect now"
	// while starting up. pgconn.PgError offers SQLState().
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		code := coded.SQLState()
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03"
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
