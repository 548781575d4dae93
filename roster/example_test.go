package roster_test

import (
	"fmt"
	"testing/fstest"

	"parabot/roster"
)

// A roster with mistakes imports nothing; the error names every bad value.
func ExampleParse() {
	files := fstest.MapFS{
		"schools.csv": {Data: []byte(`name,time_zone,year_start,year_end,day_start,dismissal
Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00
`)},
		"staff.csv": {Data: []byte(`school,handle,name,role
Oak School,kim,Pat Kim,teacher
Oak School,diaz,Sam Diaz,paraa
Oak Scool,ross,Lee Ross,admin
`)},
	}
	_, err := roster.Parse(files)
	fmt.Println(err)
	// Output:
	// staff.csv:3: column role: "paraa" is not a role (para, teacher, admin, therapist)
	// staff.csv:4: column school: no school "Oak Scool" in schools.csv
}

func ExampleDemo() {
	r, err := roster.Parse(roster.Demo())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Schools[0].Name, r.Schools[0].TimeZone)
	for _, s := range r.Staff {
		fmt.Printf("%-7s %s\n", s.Handle, s.Role)
	}
	// Output:
	// Maple Grove Elementary America/New_York
	// rivera  teacher
	// patel   admin
	// lee     para
	// okafor  para
	// nguyen  therapist
}
