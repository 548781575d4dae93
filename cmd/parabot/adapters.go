package main

import (
	"parabot/bot"
)

// addAdapters mounts the configured platform adapters on the server.
func (s *server) addAdapters(router *bot.Router) error {
	return nil
}
