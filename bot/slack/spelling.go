package slack

import (
	_ "embed"
	"regexp"
)

// Manifest is the Slack app manifest the README asks admins to create the
// app from.
//
//go:embed manifest.yaml
var Manifest string

// ownSlash lists the commands the manifest gives a slash command of their
// own; the others are reached through the umbrella command.
var ownSlash = func() map[string]bool {
	m := map[string]bool{}
	for _, match := range regexp.MustCompile(`(?m)^\s*- command: /(\S+)\s*$`).FindAllStringSubmatch(Manifest, -1) {
		m[match[1]] = true
	}
	return m
}()

// Spell returns a command as a Slack user types it: "/trial" when the
// manifest has it, else through the umbrella command, "/para help".
func Spell(name string) string {
	if ownSlash[name] {
		return "/" + name
	}
	return "/" + Umbrella + " " + name
}
