package roster

import (
	"embed"
	"io/fs"
)

//go:embed demo/*.csv
var demoFiles embed.FS

// Demo returns the roster files of the demo school, Maple Grove
// Elementary: a teacher, an admin, two paras and a speech therapist, six
// students with IEP goals, a duty roster and the 2026-27 calendar. They
// are also an example of every roster file; Import(ctx, store, Demo())
// loads them.
func Demo() fs.FS {
	sub, err := fs.Sub(demoFiles, "demo")
	if err != nil {
		panic("roster: embedded demo folder is missing: " + err.Error()) // cannot happen: the embed pattern names it
	}
	return sub
}
