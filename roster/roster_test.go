package roster_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"parabot/roster"
	"parabot/storage"
)

// baseFiles is a small roster without problems; the table tests change
// one thing in it at a time. Line numbers matter: the header is line 1.
func baseFiles() map[string]string {
	return map[string]string{
		"schools.csv": `name,time_zone,year_start,year_end,day_start,dismissal
Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00
`,
		"staff.csv": `school,handle,name,role,email,channel,slack_id,discord_id,active
Oak School,kim,Pat Kim,teacher,pat.kim@oak.example.org,kim-class,U012AB3CD,,
Oak School,diaz,Sam Diaz,para,sam.diaz@oak.example.org,,,123456789012345678,yes
Oak School,ross,Lee Ross,admin,,,,,
`,
		"students.csv": `school,code,initials,first_name,last_name,grade,active
Oak School,S1,A.B.,Ann,Bell,3,
Oak School,S2,C.D.,Carl,Dunn,K,no
`,
		"goals.csv": `student,code,domain,text,measurement,baseline,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,active
S1,G1,academic,Ann will add within 20.,percent correct,40%,80,3,5,2026-09-01,2027-06-01,
S1,G2,daily living,Ann will pack her bag.,,,100,5,4,2026-09-01,2027-06-01,
`,
		"assignments.csv": `staff,student,kind
kim,S1,teacher
diaz,S1,para
`,
		"duties.csv": `staff,kind,weekday,start,end,place
diaz,bus,mon-fri,15:00,15:20,Front loop
diaz,lunch,wed,11:30,12:00,
`,
		"calendar.csv": `school,date,end_date,kind,dismissal,note
Oak School,2026-11-25,,early_release,12:00,Thanksgiving eve
Oak School,2026-11-26,2026-11-27,holiday,,Thanksgiving
`,
	}
}

func toFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return fsys
}

// edit changes base files for one test case.
type edit func(t *testing.T, files map[string]string)

// setLine replaces line n (1-based) of a file.
func setLine(file string, n int, text string) edit {
	return func(t *testing.T, files map[string]string) {
		t.Helper()
		lines := strings.Split(files[file], "\n")
		if n < 1 || n > len(lines)-1 {
			t.Fatalf("%s has no line %d", file, n)
		}
		lines[n-1] = text
		files[file] = strings.Join(lines, "\n")
	}
}

// addLine appends a row to a file.
func addLine(file, text string) edit {
	return func(t *testing.T, files map[string]string) { files[file] += text + "\n" }
}

// put replaces a whole file.
func put(file, content string) edit {
	return func(t *testing.T, files map[string]string) { files[file] = content }
}

// drop removes a file from the import.
func drop(file string) edit {
	return func(t *testing.T, files map[string]string) { delete(files, file) }
}

// Each case makes one kind of mistake; want lists every problem Parse must
// report, with Msg as a part of the message.
var problemCases = []struct {
	name  string
	edits []edit
	want  []roster.Problem
}{
	// The folder.
	{"unknown csv file", []edit{put("staf.csv", "x\n")},
		[]roster.Problem{{"staf.csv", 0, "", "is not a roster file; the roster files are schools.csv, staff.csv"}}},
	{"no roster files", []edit{drop("schools.csv"), drop("staff.csv"), drop("students.csv"), drop("goals.csv"), drop("assignments.csv"), drop("duties.csv"), drop("calendar.csv")},
		[]roster.Problem{{"", 0, "", "the folder has no roster files"}}},
	{"reference to a file the import lacks", []edit{drop("schools.csv")},
		[]roster.Problem{
			{"staff.csv", 2, "school", `no school "Oak School": this import has no schools.csv`},
			{"staff.csv", 3, "school", `no school "Oak School"`},
			{"staff.csv", 4, "school", `no school "Oak School"`},
			{"students.csv", 2, "school", `no school "Oak School"`},
			{"students.csv", 3, "school", `no school "Oak School"`},
			{"calendar.csv", 2, "school", `no school "Oak School"`},
			{"calendar.csv", 3, "school", `no school "Oak School"`},
		}},

	// The shape of a file.
	{"empty file", []edit{put("duties.csv", "")},
		[]roster.Problem{{"duties.csv", 1, "", "is empty; the first line must be a header naming the columns, for example: staff, kind, weekday, start, end"}}},
	{"unknown column", []edit{put("assignments.csv", "staff,student,kind,notes\nkim,S1,teacher,x\n")},
		[]roster.Problem{{"assignments.csv", 1, "notes", "is not a column of assignments.csv; its columns are staff, student, kind"}}},
	{"missing required column", []edit{put("assignments.csv", "staff,student\nkim,S1\n")},
		[]roster.Problem{{"assignments.csv", 1, "kind", "is missing from the header; assignments.csv needs the columns staff, student, kind"}}},
	{"column twice", []edit{put("assignments.csv", "staff,student,kind,Kind\nkim,S1,teacher,para\n")},
		[]roster.Problem{{"assignments.csv", 1, "kind", "appears twice in the header"}}},
	{"unnamed column", []edit{put("assignments.csv", "staff,student,kind,\nkim,S1,teacher,\n")},
		[]roster.Problem{{"assignments.csv", 1, "", "column 4 of the header has no name"}}},
	{"row of the wrong width", []edit{setLine("assignments.csv", 3, "diaz,S1")},
		[]roster.Problem{{"assignments.csv", 3, "", "has 2 values; the header has 3 columns"}}},
	{"bad quote", []edit{setLine("assignments.csv", 2, `kim,S"1,teacher`)},
		[]roster.Problem{{"assignments.csv", 2, "", `is not valid CSV (bare " in non-quoted-field at character 6); the rest of the file was not read`}}},
	{"file too big", []edit{put("duties.csv", "staff,kind,weekday,start,end,place\n"+strings.Repeat("x", 10<<20))},
		[]roster.Problem{{"duties.csv", 0, "", "is larger than 10 MiB"}}},

	// Values of any file.
	{"required value empty", []edit{setLine("staff.csv", 3, "Oak School,diaz,,para,,,,,")},
		[]roster.Problem{{"staff.csv", 3, "name", "is required, but empty"}}},
	{"value too long", []edit{setLine("staff.csv", 3, "Oak School,diaz,"+strings.Repeat("x", 101)+",para,,,,,")},
		[]roster.Problem{{"staff.csv", 3, "name", "is 101 characters long; the limit is 100"}}},
	{"line break in a value", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,boss,,,,,"), setLine("staff.csv", 3, "Oak School,diaz,\"Sam\nDiaz\",para,,,,,")},
		[]roster.Problem{
			{"staff.csv", 3, "name", "contains a line break"},
			{"staff.csv", 5, "role", `"boss" is not a role`},
		}},
	{"not UTF-8", []edit{setLine("staff.csv", 3, "Oak School,diaz,Sam D\xedaz,para,,,,,")},
		[]roster.Problem{{"staff.csv", 3, "name", "is not valid UTF-8 text"}}},
	{"bad active", []edit{setLine("students.csv", 3, "Oak School,S2,C.D.,Carl,Dunn,K,maybe")},
		[]roster.Problem{{"students.csv", 3, "active", `"maybe" is not yes or no`}}},
	{"name without letters", []edit{setLine("students.csv", 3, "Oak School,S2,C.D.,Carl,42,K,")},
		[]roster.Problem{{"students.csv", 3, "last_name", `"42" has no letters`}}},

	// schools.csv
	{"school without a name", []edit{addLine("schools.csv", ",America/Chicago,2026-08-24,2027-06-04,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 3, "name", "is required, but empty"}}},
	{"school twice", []edit{addLine("schools.csv", "oak school,America/Chicago,2026-08-24,2027-06-04,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 3, "name", `school "oak school" is already on line 2`}}},
	{"unknown time zone", []edit{setLine("schools.csv", 2, "Oak School,America/Chicgo,2026-08-24,2027-06-04,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 2, "time_zone", `"America/Chicgo" is not a time zone; write an IANA name such as America/New_York`}}},
	{"Local is no time zone", []edit{setLine("schools.csv", 2, "Oak School,Local,2026-08-24,2027-06-04,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 2, "time_zone", `"Local" is not a time zone`}}},
	{"date in another format", []edit{setLine("schools.csv", 2, "Oak School,America/Chicago,8/24/2026,2027-06-04,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 2, "year_start", `"8/24/2026" is not a date; write dates as YYYY-MM-DD`}}},
	{"date that does not exist", []edit{setLine("schools.csv", 2, "Oak School,America/Chicago,2026-08-24,2027-02-30,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 2, "year_end", `"2027-02-30" is not a date`}}},
	{"year ends before it starts", []edit{setLine("schools.csv", 2, "Oak School,America/Chicago,2026-08-24,2026-06-04,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 2, "year_end", "2026-06-04 is not after year_start 2026-08-24"}}},
	{"year too long", []edit{setLine("schools.csv", 2, "Oak School,America/Chicago,2026-08-24,2028-06-04,08:00,15:00")},
		[]roster.Problem{{"schools.csv", 2, "year_end", "is longer than a year"}}},
	{"time with am/pm", []edit{setLine("schools.csv", 2, "Oak School,America/Chicago,2026-08-24,2027-06-04,8am,15:00")},
		[]roster.Problem{{"schools.csv", 2, "day_start", `"8am" is not a time; write times as 24-hour HH:MM`}}},
	{"time out of range", []edit{setLine("schools.csv", 2, "Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,24:00")},
		[]roster.Problem{{"schools.csv", 2, "dismissal", `"24:00" is not a time`}}},
	{"dismissal before the day starts", []edit{setLine("schools.csv", 2, "Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,07:30")},
		[]roster.Problem{{"schools.csv", 2, "dismissal", "07:30 is not after day_start 08:00"}}},

	// staff.csv
	{"bad handle is reported once", []edit{setLine("staff.csv", 3, "Oak School,d iaz,Sam Diaz,para,,,,,"),
		setLine("assignments.csv", 3, "d iaz,S1,para"), setLine("duties.csv", 2, "d iaz,bus,mon-fri,15:00,15:20,"), setLine("duties.csv", 3, "d iaz,lunch,wed,11:30,12:00,")},
		[]roster.Problem{{"staff.csv", 3, "handle", `"d iaz" is not a handle`}}},
	{"too long a school name is reported once", []edit{
		setLine("schools.csv", 2, strings.Repeat("Oak", 34)+",America/Chicago,2026-08-24,2027-06-04,08:00,15:00"),
		setLine("calendar.csv", 2, strings.Repeat("Oak", 34)+",2026-11-25,,early_release,12:00,")},
		[]roster.Problem{
			{"schools.csv", 2, "name", "is 102 characters long; the limit is 100"},
			{"staff.csv", 2, "school", `no school "Oak School" in schools.csv`},
			{"staff.csv", 3, "school", `no school "Oak School"`},
			{"staff.csv", 4, "school", `no school "Oak School"`},
			{"students.csv", 2, "school", `no school "Oak School"`},
			{"students.csv", 3, "school", `no school "Oak School"`},
			{"calendar.csv", 2, "school", "is 102 characters long; the limit is 100"},
			{"calendar.csv", 3, "school", `no school "Oak School"`},
		}},
	{"unknown school", []edit{setLine("staff.csv", 4, "Elm School,ross,Lee Ross,admin,,,,,")},
		[]roster.Problem{{"staff.csv", 4, "school", `no school "Elm School" in schools.csv`}}},
	{"bad handle", []edit{setLine("staff.csv", 4, "Oak School,l ross,Lee Ross,admin,,,,,")},
		[]roster.Problem{{"staff.csv", 4, "handle", `"l ross" is not a handle`}}},
	{"handle starting with a digit", []edit{setLine("staff.csv", 4, "Oak School,2ross,Lee Ross,admin,,,,,")},
		[]roster.Problem{{"staff.csv", 4, "handle", `"2ross" is not a handle`}}},
	{"handle twice", []edit{setLine("staff.csv", 4, "Oak School,Kim,Lee Ross,admin,,,,,")},
		[]roster.Problem{{"staff.csv", 4, "handle", `handle "kim" is already on line 2`}}},
	{"bad role", []edit{setLine("staff.csv", 3, "Oak School,diaz,Sam Diaz,paraa,,,,,")},
		[]roster.Problem{{"staff.csv", 3, "role", `"paraa" is not a role (para, teacher, admin, therapist)`}}},
	{"bad email", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,admin,lee.ross@,,,,")},
		[]roster.Problem{{"staff.csv", 4, "email", `"lee.ross@" is not an email address`}}},
	{"email with a display name", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,admin,Lee <lee@oak.example.org>,,,,")},
		[]roster.Problem{{"staff.csv", 4, "email", "is not an email address"}}},
	{"email twice", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,admin,Sam.Diaz@oak.example.org,,,,")},
		[]roster.Problem{{"staff.csv", 4, "email", `"Sam.Diaz@oak.example.org" is already on line 3`}}},
	{"bad channel", []edit{setLine("staff.csv", 2, "Oak School,kim,Pat Kim,teacher,,kim class,,,")},
		[]roster.Problem{{"staff.csv", 2, "channel", `"kim class" is not a channel name`}}},
	{"bad Slack id", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,admin,,,u012,,")},
		[]roster.Problem{{"staff.csv", 4, "slack_id", `"u012" is not a Slack member id`}}},
	{"Slack id twice", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,admin,,,U012AB3CD,,")},
		[]roster.Problem{{"staff.csv", 4, "slack_id", `"U012AB3CD" is already on line 2`}}},
	{"bad Discord id", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,admin,,,,ross#1234,")},
		[]roster.Problem{{"staff.csv", 4, "discord_id", `"ross#1234" is not a Discord user id`}}},
	{"Discord id twice", []edit{setLine("staff.csv", 4, "Oak School,ross,Lee Ross,admin,,,,123456789012345678,")},
		[]roster.Problem{{"staff.csv", 4, "discord_id", "is already on line 3"}}},

	// students.csv
	{"bad student code", []edit{setLine("students.csv", 3, "Oak School,S 2,C.D.,Carl,Dunn,K,")},
		[]roster.Problem{{"students.csv", 3, "code", `"S 2" is not a student code`}}},
	{"student code without a digit", []edit{setLine("students.csv", 3, "Oak School,CARL,C.D.,Carl,Dunn,K,")},
		[]roster.Problem{{"students.csv", 3, "code", `"CARL" is not a student code`}}},
	{"student code twice", []edit{setLine("students.csv", 3, "Oak School,s1,C.D.,Carl,Dunn,K,")},
		[]roster.Problem{{"students.csv", 3, "code", `student code "s1" is already on line 2`}}},
	{"bad initials", []edit{setLine("students.csv", 3, "Oak School,S2,C1,Carl,Dunn,K,")},
		[]roster.Problem{{"students.csv", 3, "initials", `"C1" are not initials`}}},
	{"too many initials", []edit{setLine("students.csv", 3, "Oak School,S2,ABCDE,Carl,Dunn,K,")},
		[]roster.Problem{{"students.csv", 3, "initials", `"ABCDE" are not initials`}}},
	{"bad grade", []edit{setLine("students.csv", 3, "Oak School,S2,C.D.,Carl,Dunn,13,")},
		[]roster.Problem{{"students.csv", 3, "grade", `"13" is not a grade; write PK, TK, K or 1 to 12`}}},
	{"student of an unknown school", []edit{setLine("students.csv", 3, "Elm School,S2,C.D.,Carl,Dunn,K,")},
		[]roster.Problem{{"students.csv", 3, "school", `no school "Elm School" in schools.csv`}}},

	// goals.csv
	{"unknown goal type", []edit{put("goals.csv", "student,code,domain,text,measurement,baseline,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,active,type,title,steps,scale\nS1,G1,academic,Ann will add.,,,80,3,5,2026-09-01,2027-06-01,,minutes,,,\n")},
		[]roster.Problem{{"goals.csv", 2, "type", `"minutes" is not a goal type`}}},
	{"task analysis without steps", []edit{put("goals.csv", "student,code,domain,text,measurement,baseline,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,active,type,title,steps,scale\nS1,G1,daily living,Ann will pack.,,,80,3,5,2026-09-01,2027-06-01,,task_analysis,,,\n")},
		[]roster.Problem{{"goals.csv", 2, "steps", "a task_analysis goal needs its steps"}}},
	{"steps on a trials goal", []edit{put("goals.csv", "student,code,domain,text,measurement,baseline,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,active,type,title,steps,scale\nS1,G1,academic,Ann will add.,,,80,3,5,2026-09-01,2027-06-01,,,,a|b,\n")},
		[]roster.Problem{{"goals.csv", 2, "steps", "steps are for a task_analysis goal"}}},
	{"empty step", []edit{put("goals.csv", "student,code,domain,text,measurement,baseline,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,active,type,title,steps,scale\nS1,G1,daily living,Ann will pack.,,,80,3,5,2026-09-01,2027-06-01,,task_analysis,,unpack||coat,\n")},
		[]roster.Problem{{"goals.csv", 2, "steps", "has an empty item"}}},
	{"rating without a scale", []edit{put("goals.csv", "student,code,domain,text,measurement,baseline,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,active,type,title,steps,scale\nS1,G1,social,Ann will greet.,,,80,3,1,2026-09-01,2027-06-01,,rating,,,\n")},
		[]roster.Problem{{"goals.csv", 2, "scale", "a rating goal needs its scale"}}},
	{"goal of an unknown student", []edit{setLine("goals.csv", 3, "S9,G2,daily living,Ann will pack her bag.,,,100,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "student", `no student with code "S9" in students.csv`}}},
	{"bad goal code", []edit{setLine("goals.csv", 3, "S1,Goal 2,daily living,Ann will pack her bag.,,,100,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "code", `"Goal 2" is not a goal code`}}},
	{"goal code zero", []edit{setLine("goals.csv", 3, "S1,G0,daily living,Ann will pack her bag.,,,100,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "code", `"G0" is not a goal code`}}},
	{"goal code twice", []edit{setLine("goals.csv", 3, "s1,g1,daily living,Ann will pack her bag.,,,100,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "code", "goal G1 of student S1 is already on line 2"}}},
	{"bad domain", []edit{setLine("goals.csv", 3, "S1,G2,speech,Ann will pack her bag.,,,100,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "domain", `"speech" is not a domain (academic, communication, behavior, social, daily living, motor)`}}},
	{"goal without text", []edit{setLine("goals.csv", 3, "S1,G2,motor,,,,100,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "text", "is required, but empty"}}},
	{"mastery percent over 100", []edit{setLine("goals.csv", 3, "S1,G2,motor,Ann will pack her bag.,,,101,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "mastery_percent", "101 is out of range; write a number from 1 to 100"}}},
	{"mastery percent not a number", []edit{setLine("goals.csv", 3, "S1,G2,motor,Ann will pack her bag.,,,most,5,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "mastery_percent", `"most" is not a whole number`}}},
	{"mastery sessions zero", []edit{setLine("goals.csv", 3, "S1,G2,motor,Ann will pack her bag.,,,100,0,4,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "mastery_sessions", "0 is out of range; write a number from 1 to 20"}}},
	{"mastery trials too many", []edit{setLine("goals.csv", 3, "S1,G2,motor,Ann will pack her bag.,,,100,5,101,2026-09-01,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "mastery_min_trials", "101 is out of range; write a number from 1 to 100"}}},
	{"goal ends before it starts", []edit{setLine("goals.csv", 3, "S1,G2,motor,Ann will pack her bag.,,,100,5,4,2026-09-01,2026-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "end_date", "2026-06-01 is not after start_date 2026-09-01"}}},
	{"goal runs for years", []edit{setLine("goals.csv", 3, "S1,G2,motor,Ann will pack her bag.,,,100,5,4,2026-09-01,2207-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "end_date", "is more than two years after start_date"}}},
	{"goal with a bad date", []edit{setLine("goals.csv", 3, "S1,G2,motor,Ann will pack her bag.,,,100,5,4,2026-9-1,2027-06-01,")},
		[]roster.Problem{{"goals.csv", 3, "start_date", `"2026-9-1" is not a date`}}},

	// assignments.csv
	{"assignment of an unknown staff member", []edit{setLine("assignments.csv", 3, "diax,S1,para")},
		[]roster.Problem{{"assignments.csv", 3, "staff", `no staff member with handle "diax" in staff.csv`}}},
	{"assignment of an unknown student", []edit{setLine("assignments.csv", 3, "diaz,S3,para")},
		[]roster.Problem{{"assignments.csv", 3, "student", `no student with code "S3" in students.csv`}}},
	{"bad assignment kind", []edit{setLine("assignments.csv", 3, "diaz,S1,aide")},
		[]roster.Problem{{"assignments.csv", 3, "kind", `"aide" is not an assignment kind (para, teacher, therapist)`}}},
	{"assignment twice", []edit{addLine("assignments.csv", "DIAZ,s1,para")},
		[]roster.Problem{{"assignments.csv", 4, "student", "diaz is already assigned to S1 on line 3"}}},
	{"bad active in assignments", []edit{put("assignments.csv", "staff,student,kind,active\nkim,S1,teacher,\ndiaz,S1,para,gone\n")},
		[]roster.Problem{{"assignments.csv", 3, "active", `"gone" is not yes or no; leave it empty for yes`}}},
	{"assignment across schools", []edit{
		addLine("schools.csv", "Elm School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00"),
		addLine("students.csv", "Elm School,E1,E.F.,Eve,Fox,2,"),
		addLine("assignments.csv", "diaz,E1,para")},
		[]roster.Problem{{"assignments.csv", 4, "student", "E1 is at Elm School, but diaz works at Oak School"}}},
	{"para assigned as teacher", []edit{setLine("assignments.csv", 3, "diaz,S1,teacher")},
		[]roster.Problem{{"assignments.csv", 3, "kind", "diaz is a para; a teacher assignment needs a teacher"}}},
	{"teacher assigned as therapist", []edit{setLine("assignments.csv", 2, "kim,S1,therapist")},
		[]roster.Problem{{"assignments.csv", 2, "kind", "kim is a teacher; a therapist assignment needs a therapist"}}},
	{"admin assigned as para", []edit{addLine("assignments.csv", "ross,S1,para")},
		[]roster.Problem{{"assignments.csv", 4, "kind", "ross is an admin; a para assignment needs a para or a teacher"}}},
	{"student code twice in one school", []edit{addLine("students.csv", "oak school,s1,E.F.,Eve,Fox,2,")},
		[]roster.Problem{{"students.csv", 4, "code", `student code "s1" is already on line 2`}}},
	{"goal of a code two schools use", []edit{
		addLine("schools.csv", "Elm School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00"),
		addLine("students.csv", "Elm School,S1,E.F.,Eve,Fox,2,")},
		[]roster.Problem{
			{"goals.csv", 2, "student", "S1 is at several schools (Oak School, Elm School); add a school column to goals.csv saying which"},
			{"goals.csv", 3, "student", "S1 is at several schools"},
		}},
	{"goal at a school without that code", []edit{
		put("goals.csv", "school,student,code,domain,text,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date\n"+
			"Elm School,S1,G1,academic,Adds.,80,3,5,2026-09-01,2027-06-01\n"),
		addLine("schools.csv", "Elm School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00")},
		[]roster.Problem{{"goals.csv", 2, "student", `no student with code "S1" at Elm School in students.csv`}}},

	// duties.csv
	{"duty of an unknown staff member", []edit{setLine("duties.csv", 3, "diax,lunch,wed,11:30,12:00,")},
		[]roster.Problem{{"duties.csv", 3, "staff", `no staff member with handle "diax"`}}},
	{"bad duty kind", []edit{setLine("duties.csv", 3, "diaz,hall,wed,11:30,12:00,")},
		[]roster.Problem{{"duties.csv", 3, "kind", `"hall" is not a duty kind (bus, lunch, recess)`}}},
	{"bad weekday", []edit{setLine("duties.csv", 3, "diaz,lunch,wednes,11:30,12:00,")},
		[]roster.Problem{{"duties.csv", 3, "weekday", `"wednes" is not a weekday`}}},
	{"weekday range backwards", []edit{setLine("duties.csv", 3, "diaz,lunch,fri-mon,11:30,12:00,")},
		[]roster.Problem{{"duties.csv", 3, "weekday", `"fri-mon" runs backwards`}}},
	{"duty ends before it starts", []edit{setLine("duties.csv", 3, "diaz,lunch,wed,11:30,11:00,")},
		[]roster.Problem{{"duties.csv", 3, "end", "11:00 is not after start 11:30"}}},
	{"duty with a bad time", []edit{setLine("duties.csv", 3, "diaz,lunch,wed,11.30,12:00,")},
		[]roster.Problem{{"duties.csv", 3, "start", `"11.30" is not a time`}}},
	{"bad active in duties", []edit{put("duties.csv", "staff,kind,weekday,start,end,place,active\ndiaz,bus,mon-fri,15:00,15:20,,yes\ndiaz,lunch,wed,11:30,12:00,,cancelled\n")},
		[]roster.Problem{{"duties.csv", 3, "active", `"cancelled" is not yes or no`}}},
	{"two duties at once", []edit{setLine("duties.csv", 3, "diaz,recess,Wednesday,15:00,15:20,")},
		[]roster.Problem{{"duties.csv", 3, "weekday", "diaz already has a duty on Wednesday at 15:00, on line 2"}}},

	// calendar.csv
	{"day of an unknown school", []edit{setLine("calendar.csv", 2, "Elm School,2026-11-25,,early_release,12:00,")},
		[]roster.Problem{{"calendar.csv", 2, "school", `no school "Elm School" in schools.csv`}}},
	{"bad kind of day", []edit{setLine("calendar.csv", 2, "Oak School,2026-11-25,,vacation,,")},
		[]roster.Problem{{"calendar.csv", 2, "kind", `"vacation" is not a kind of day (holiday, closure, early_release, school)`}}},
	{"early release without a dismissal", []edit{setLine("calendar.csv", 2, "Oak School,2026-11-25,,early_release,,")},
		[]roster.Problem{{"calendar.csv", 2, "dismissal", "is required for an early_release day"}}},
	{"holiday with a dismissal", []edit{setLine("calendar.csv", 2, "Oak School,2026-11-25,,holiday,12:00,")},
		[]roster.Problem{{"calendar.csv", 2, "dismissal", "is only for early_release days; leave it empty for a holiday"}}},
	{"early release after the regular dismissal", []edit{setLine("calendar.csv", 2, "Oak School,2026-11-25,,early_release,15:30,")},
		[]roster.Problem{{"calendar.csv", 2, "dismissal", "15:30 is not between the school's day_start 08:00 and its regular dismissal 15:00"}}},
	{"day outside the school year", []edit{setLine("calendar.csv", 2, "Oak School,2025-11-25,,early_release,12:00,")},
		[]roster.Problem{{"calendar.csv", 2, "date", "2025-11-25 is outside Oak School's school year, 2026-08-24 to 2027-06-04"}}},
	{"holiday on a weekend", []edit{setLine("calendar.csv", 2, "Oak School,2026-11-28,,holiday,,")},
		[]roster.Problem{{"calendar.csv", 2, "date", "2026-11-28 is a Saturday; there is no school to cancel or shorten"}}},
	{"make-up day on a weekday", []edit{setLine("calendar.csv", 2, "Oak School,2026-11-24,,school,,")},
		[]roster.Problem{{"calendar.csv", 2, "date", "2026-11-24 is a Tuesday, a school day already"}}},
	{"break ends before it starts", []edit{setLine("calendar.csv", 3, "Oak School,2026-11-26,2026-11-20,holiday,,")},
		[]roster.Problem{{"calendar.csv", 3, "end_date", "2026-11-20 is before date 2026-11-26"}}},
	{"break too long", []edit{setLine("calendar.csv", 3, "Oak School,2026-11-26,2027-02-26,holiday,,")},
		[]roster.Problem{{"calendar.csv", 3, "end_date", "is more than 60 days after date 2026-11-26"}}},
	{"break on a weekend only", []edit{setLine("calendar.csv", 3, "Oak School,2026-11-28,2026-11-29,closure,,")},
		[]roster.Problem{{"calendar.csv", 3, "end_date", "2026-11-28 to 2026-11-29 has no weekday"}}},
	{"early release over several days", []edit{setLine("calendar.csv", 2, "Oak School,2026-11-24,2026-11-25,early_release,12:00,")},
		[]roster.Problem{{"calendar.csv", 2, "end_date", "is only for holidays and closures that run several days"}}},
	{"bad active in calendar", []edit{put("calendar.csv", "school,date,end_date,kind,dismissal,note,active\nOak School,2026-11-25,,early_release,12:00,,2\n")},
		[]roster.Problem{{"calendar.csv", 2, "active", `"2" is not yes or no`}}},
	{"day twice", []edit{addLine("calendar.csv", "oak school,2026-11-27,,closure,,")},
		[]roster.Problem{{"calendar.csv", 4, "date", "2026-11-27 is already on line 3"}}},

	// Every problem of one row is reported, however many its columns have.
	{"every problem of a school row", []edit{
		put("schools.csv", "name,time_zone,year_start,year_end,day_start,dismissal,data_due,keep_records\n"+
			"Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00,,\n"+
			",America/Chicago,2026-08-24,2027-06-04,08:00,15:00,25:00,x\n")},
		[]roster.Problem{
			{"schools.csv", 3, "name", "is required, but empty"},
			{"schools.csv", 3, "data_due", `"25:00" is not a time`},
			{"schools.csv", 3, "keep_records", `"x" is not a number of years`},
		}},
	{"every problem of a student row", []edit{put("students.csv", "school,code,initials,first_name,last_name,dismissal\n"+
		"Oak School,S1,A.B.,Ann,Bell,\nOak School,S 2,C.D.,Carl,Dunn,skateboard\n")},
		[]roster.Problem{
			{"students.csv", 3, "code", `"S 2" is not a student code`},
			{"students.csv", 3, "dismissal", `"skateboard" is not a way home`},
		}},
	{"every problem of a goal row", []edit{put("goals.csv", "student,code,domain,text,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,schedule\n"+
		"S1,Goal 2,speech,Ann will pack her bag.,100,5,4,2026-09-01,2027-06-01,funday\n")},
		[]roster.Problem{
			{"goals.csv", 2, "code", `"Goal 2" is not a goal code`},
			{"goals.csv", 2, "domain", `"speech" is not a domain`},
			{"goals.csv", 2, "schedule", `"funday" is not a weekday`},
		}},
	{"every problem of a schedules row", []edit{put("schedules.csv", "school,kind,spec,active\nOak School,lunch_bell,61 14 * * *,maybe\n")},
		[]roster.Problem{
			{"schedules.csv", 2, "kind", `"lunch_bell" is not a schedule kind`},
			{"schedules.csv", 2, "spec", `"61 14 * * *" is not a cron spec`},
			{"schedules.csv", 2, "active", `"maybe" is not yes or no`},
		}},
	{"every problem of an escalation row", []edit{put("escalation.csv", "school,level,notify,timeout,urgent_timeout\nOak School,x,principal,-5m,10m\n")},
		[]roster.Problem{
			{"escalation.csv", 2, "level", `"x" is not a level`},
			{"escalation.csv", 2, "notify", `"principal" is neither a role`},
			{"escalation.csv", 2, "timeout", "a timeout must be more than zero"},
		}},

	// Several problems: every one is reported, in file and line order.
	{"every problem reported", []edit{
		setLine("staff.csv", 3, "Oak School,diaz,Sam Diaz,aide,sam@,,,,"),
		setLine("goals.csv", 2, "S1,G1,math,Ann will add within 20.,,,80,3,5,2026-09-01,2027-06-01,"),
		setLine("calendar.csv", 3, "Oak School,2026-11-26,2026-11-27,holidays,,")},
		[]roster.Problem{
			{"staff.csv", 3, "role", `"aide" is not a role`},
			{"staff.csv", 3, "email", `"sam@" is not an email address`},
			{"goals.csv", 2, "domain", `"math" is not a domain`},
			{"calendar.csv", 3, "kind", `"holidays" is not a kind of day`},
		}},
}

func TestParseProblems(t *testing.T) {
	for _, tc := range problemCases {
		t.Run(tc.name, func(t *testing.T) {
			files := baseFiles()
			for _, e := range tc.edits {
				e(t, files)
			}
			r, err := roster.Parse(toFS(files))
			var got roster.Errors
			if !errors.As(err, &got) {
				t.Fatalf("Parse returned %v, want roster.Errors", err)
			}
			if !reflect.DeepEqual(r, storage.Roster{}) {
				t.Errorf("Parse returned a roster along with its problems: %+v", r)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(tc.want), err)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.File != w.File || g.Line != w.Line || g.Column != w.Column || !strings.Contains(g.Msg, w.Msg) {
					t.Errorf("problem %d:\n got %s:%d column %q: %s\nwant %s:%d column %q: ...%s...", i, g.File, g.Line, g.Column, g.Msg, w.File, w.Line, w.Column, w.Msg)
				}
			}
		})
	}
}

func TestErrorsFormat(t *testing.T) {
	files := baseFiles()
	setLine("staff.csv", 3, "Oak School,diaz,Sam Diaz,paraa,,,,,")(t, files)
	drop("calendar.csv")(t, files)
	put("notes.csv", "")(t, files)
	_, err := roster.Parse(toFS(files))
	want := `notes.csv: is not a roster file; the roster files are schools.csv, staff.csv, students.csv, goals.csv, assignments.csv, duties.csv, calendar.csv, schedules.csv, escalation.csv
staff.csv:3: column role: "paraa" is not a role (para, teacher, admin, therapist)`
	if err == nil || err.Error() != want {
		t.Errorf("error text:\n%v\nwant:\n%s", err, want)
	}
}

func TestParseBaseFiles(t *testing.T) {
	r, err := roster.Parse(toFS(baseFiles()))
	if err != nil {
		t.Fatalf("base files have problems:\n%v", err)
	}
	want := storage.Roster{
		Schools: []storage.School{{Name: "Oak School", TimeZone: "America/Chicago", YearStart: "2026-08-24", YearEnd: "2027-06-04", DayStart: "08:00", Dismissal: "15:00"}},
		Staff: []storage.RosterStaff{
			{School: "Oak School", Handle: "kim", Name: "Pat Kim", Email: "pat.kim@oak.example.org", Role: storage.RoleTeacher, Channel: "kim-class", SlackID: "U012AB3CD", Active: true,
				SlackIDColumn: true, DiscordIDColumn: true, Line: 2},
			{School: "Oak School", Handle: "diaz", Name: "Sam Diaz", Email: "sam.diaz@oak.example.org", Role: storage.RolePara, DiscordID: "123456789012345678", Active: true,
				SlackIDColumn: true, DiscordIDColumn: true, Line: 3},
			{School: "Oak School", Handle: "ross", Name: "Lee Ross", Role: storage.RoleAdmin, Active: true, SlackIDColumn: true, DiscordIDColumn: true, Line: 4},
		},
		Students: []storage.RosterStudent{
			{School: "Oak School", Code: "S1", Initials: "A.B.", FirstName: "Ann", LastName: "Bell", Grade: "3", Active: true, Line: 2},
			{School: "Oak School", Code: "S2", Initials: "C.D.", FirstName: "Carl", LastName: "Dunn", Grade: "K", Active: false, Line: 3},
		},
		Goals: []storage.RosterGoal{
			{School: "Oak School", StudentCode: "S1", Goal: storage.Goal{Code: "G1", Text: "Ann will add within 20.", Domain: storage.DomainAcademic, Measurement: "percent correct", Baseline: "40%",
				MasteryPercent: 80, MasterySessions: 3, MasteryMinTrials: 5, StartDate: "2026-09-01", EndDate: "2027-06-01", Active: true}, Line: 2},
			{School: "Oak School", StudentCode: "S1", Goal: storage.Goal{Code: "G2", Text: "Ann will pack her bag.", Domain: storage.DomainDailyLiving,
				MasteryPercent: 100, MasterySessions: 5, MasteryMinTrials: 4, StartDate: "2026-09-01", EndDate: "2027-06-01", Active: true}, Line: 3},
		},
		// Without an active column, assignments, duties and days are active.
		Assignments: []storage.RosterAssignment{
			{StaffHandle: "kim", StudentCode: "S1", School: "Oak School", Kind: storage.AssignTeacher, Active: true},
			{StaffHandle: "diaz", StudentCode: "S1", School: "Oak School", Kind: storage.AssignPara, Active: true},
		},
		Calendar: []storage.RosterDay{
			{School: "Oak School", Day: storage.CalendarDay{Date: "2026-11-25", Kind: storage.DayEarlyRelease, Dismissal: "12:00", Note: "Thanksgiving eve"}, Active: true},
			{School: "Oak School", Day: storage.CalendarDay{Date: "2026-11-26", Kind: storage.DayHoliday, Note: "Thanksgiving"}, Active: true},
			{School: "Oak School", Day: storage.CalendarDay{Date: "2026-11-27", Kind: storage.DayHoliday, Note: "Thanksgiving"}, Active: true},
		},
	}
	for d := time.Monday; d <= time.Friday; d++ {
		want.Duties = append(want.Duties, storage.RosterDuty{StaffHandle: "diaz",
			Duty: storage.Duty{Kind: storage.DutyBus, Weekday: d, Start: "15:00", End: "15:20", Place: "Front loop"}, Active: true})
	}
	want.Duties = append(want.Duties, storage.RosterDuty{StaffHandle: "diaz",
		Duty: storage.Duty{Kind: storage.DutyLunch, Weekday: time.Wednesday, Start: "11:30", End: "12:00"}, Active: true})
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Parse:\n got %+v\nwant %+v", r, want)
	}
}

// TestParseLenient checks the spellings that are accepted and how they
// are normalised.
func TestParseLenient(t *testing.T) {
	files := map[string]string{
		// A byte-order mark, header names in another case and with spaces,
		// columns in another order, padding around values.
		"schools.csv": "\xef\xbb\xbfName, Time Zone ,Year-Start,year_end,Day Start,dismissal\r\n" +
			" Oak School ,America/Chicago,2026-08-24,2027-06-04,8:00,15:00\r\n",
		"staff.csv": "handle,school,name,role,channel,active\n" +
			"Kim,oak school,Pat Kim,Teacher,#kim-class,No\n",
		"students.csv": "code,school,initials,first_name,last_name,grade\n" +
			"s1,OAK SCHOOL,ab,Ann,Bell,pre-k\n" +
			"S2,Oak School,c. d,Carl,Dunn,05\n",
		"goals.csv": "student,code,domain,text,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date\n" +
			"S1,g02,Daily_Living,Ann will pack her bag.,80%,3,5,2026-09-01,2027-06-01\n" +
			"s1,3,Daily-Living,Ann will zip her coat.,80,3,5,2026-09-01,2027-06-01\n",
		"assignments.csv": "student,staff,kind\nS1,KIM,Teacher\n",
		"duties.csv":      "staff,kind,weekday,start,end\nkim,Recess,Thurs-Friday,9:05,9:25\n",
		"calendar.csv": "school,date,end_date,kind,dismissal\n" +
			"oak school,2026-12-21,2027-01-01,Holiday,\n" +
			"Oak School,2026-12-18,,Early Release,12:00\n" +
			"Oak School,2027-01-09,,school,\n",
	}
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("school", r.Schools[0], storage.School{Name: "Oak School", TimeZone: "America/Chicago", YearStart: "2026-08-24", YearEnd: "2027-06-04", DayStart: "08:00", Dismissal: "15:00"})
	check("staff", r.Staff[0], storage.RosterStaff{School: "Oak School", Handle: "kim", Name: "Pat Kim", Role: storage.RoleTeacher, Channel: "kim-class", Active: false, Line: 2})
	check("student 1", r.Students[0], storage.RosterStudent{School: "Oak School", Code: "s1", Initials: "A.B.", FirstName: "Ann", LastName: "Bell", Grade: "PK", Active: true, Line: 2})
	check("student 2 initials", r.Students[1].Initials, "C.D.")
	check("student 2 grade", r.Students[1].Grade, "5")
	check("goal student", r.Goals[0].StudentCode, "s1")
	check("goal code", r.Goals[0].Goal.Code, "G2")
	check("goal 2 code", r.Goals[1].Goal.Code, "G3")
	check("goal domain", r.Goals[0].Goal.Domain, storage.DomainDailyLiving)
	check("goal domain 2", r.Goals[1].Goal.Domain, storage.DomainDailyLiving)
	check("mastery percent", r.Goals[0].Goal.MasteryPercent, 80)
	check("assignment", r.Assignments[0], storage.RosterAssignment{StaffHandle: "kim", StudentCode: "s1", School: "Oak School", Kind: storage.AssignTeacher, Active: true})
	check("duties", len(r.Duties), 2)
	check("duty 1", r.Duties[0].Duty, storage.Duty{Kind: storage.DutyRecess, Weekday: time.Thursday, Start: "09:05", End: "09:25"})
	check("duty 2 weekday", r.Duties[1].Duty.Weekday, time.Friday)
	var dates []string
	for _, d := range r.Calendar {
		check("calendar school", d.School, "Oak School")
		dates = append(dates, d.Day.Date+" "+string(d.Day.Kind))
	}
	check("calendar", dates, []string{
		"2026-12-21 holiday", "2026-12-22 holiday", "2026-12-23 holiday", "2026-12-24 holiday", "2026-12-25 holiday",
		"2026-12-28 holiday", "2026-12-29 holiday", "2026-12-30 holiday", "2026-12-31 holiday", "2027-01-01 holiday",
		"2026-12-18 early_release", "2027-01-09 school",
	})
}

// TestParseActive checks the active column of assignments.csv,
// duties.csv and calendar.csv: empty or missing is yes, and one row that
// covers several weekdays or days sets all of them.
func TestParseActive(t *testing.T) {
	files := baseFiles()
	files["assignments.csv"] = "staff,student,kind,active\n" +
		"kim,S1,teacher,\n" +
		"diaz,S1,para,no\n" +
		"kim,S2,teacher,Yes\n"
	files["duties.csv"] = "staff,kind,weekday,start,end,active,place\n" +
		"diaz,bus,mon-fri,15:00,15:20,N,Front loop\n" +
		"diaz,lunch,wed,11:30,12:00,1,\n"
	files["calendar.csv"] = "school,date,end_date,kind,dismissal,note,active\n" +
		"Oak School,2026-11-25,,early_release,12:00,,true\n" +
		"Oak School,2026-11-26,2026-11-27,holiday,,Thanksgiving,FALSE\n" +
		"Oak School,2026-12-18,,closure,,,\n"
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	var got []string
	for _, a := range r.Assignments {
		got = append(got, fmt.Sprintf("%s/%s %v", a.StaffHandle, a.StudentCode, a.Active))
	}
	for _, d := range r.Duties {
		got = append(got, fmt.Sprintf("%s %s %v", d.Duty.Kind, d.Duty.Weekday, d.Active))
	}
	for _, d := range r.Calendar {
		got = append(got, fmt.Sprintf("%s %v", d.Day.Date, d.Active))
	}
	want := []string{
		"kim/S1 true", "diaz/S1 false", "kim/S2 true",
		"bus Monday false", "bus Tuesday false", "bus Wednesday false", "bus Thursday false", "bus Friday false",
		"lunch Wednesday true",
		"2026-11-25 true", "2026-11-26 false", "2026-11-27 false", "2026-12-18 true",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("active flags:\n got %q\nwant %q", got, want)
	}
}

// TestParseSchools checks that two schools may use one student code: goals
// name the school, assignments go to the staff member's school, and an
// assignment may be retired after staff and student parted ways.
func TestParseSchools(t *testing.T) {
	files := baseFiles()
	files["schools.csv"] += "Elm School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00\n"
	files["staff.csv"] += "Elm School,elmt,Eli Teach,teacher,,,,,\n"
	files["students.csv"] += "Elm School,s1,E.F.,Eve,Fox,2,\nElm School,E2,G.H.,Gil,Hay,2,\n"
	files["goals.csv"] = "school,student,code,domain,text,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date\n" +
		"oak school,S1,G1,academic,Ann adds.,80,3,5,2026-09-01,2027-06-01\n" +
		"Elm School,S1,G1,motor,Eve hops.,80,3,5,2026-09-01,2027-06-01\n" +
		",E2,G1,motor,Gil skips.,80,3,5,2026-09-01,2027-06-01\n"
	files["assignments.csv"] = "staff,student,kind,active\n" +
		"kim,S1,teacher,\n" +
		"elmt,S1,teacher,\n" +
		"elmt,E2,para,\n" + // a teacher may be a para on a team
		"diaz,E2,para,no\n" // diaz is at Oak now: retiring the Elm assignment is fine
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	var got []string
	for _, g := range r.Goals {
		got = append(got, fmt.Sprintf("goal %s/%s %s", g.School, g.StudentCode, g.Goal.Text))
	}
	for _, a := range r.Assignments {
		got = append(got, fmt.Sprintf("%s %s %s/%s %v", a.Kind, a.StaffHandle, a.School, a.StudentCode, a.Active))
	}
	want := []string{
		"goal Oak School/S1 Ann adds.", "goal Elm School/s1 Eve hops.", "goal Elm School/E2 Gil skips.",
		"teacher kim Oak School/S1 true", "teacher elmt Elm School/s1 true", "para elmt Elm School/E2 true",
		"para diaz Elm School/E2 false",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse:\n got %q\nwant %q", got, want)
	}
}

// TestParseSomeFiles checks that every file is optional: a folder with
// only schools.csv and staff.csv is a roster.
func TestParseSomeFiles(t *testing.T) {
	files := baseFiles()
	for _, f := range []string{"students.csv", "goals.csv", "assignments.csv", "duties.csv", "calendar.csv"} {
		delete(files, f)
	}
	files["README.txt"] = "not a roster file, and not CSV: ignored"
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	if len(r.Schools) != 1 || len(r.Staff) != 3 || len(r.Students) != 0 {
		t.Errorf("Parse = %d schools, %d staff, %d students; want 1, 3, 0", len(r.Schools), len(r.Staff), len(r.Students))
	}
}

func TestParseGoalTypes(t *testing.T) {
	files := baseFiles()
	put("goals.csv", "student,code,domain,text,measurement,baseline,mastery_percent,mastery_sessions,mastery_min_trials,start_date,end_date,active,type,title,steps,scale\n"+
		"S1,G1,daily living,Ann will pack her bag.,,,80,3,1,2026-09-01,2027-06-01,,Task-Analysis,pack her bag,unpack | hang coat|turn in folder,\n"+
		"S1,G2,social,Ann will greet a peer.,,,80,3,1,2026-09-01,2027-06-01,,rating,,,not yet|emerging|mastered\n"+
		"S1,G3,behavior,Ann will stay on the carpet.,,,80,3,1,2026-09-01,2027-06-01,,duration,,,\n")(t, files)
	r, err := roster.Parse(toFS(files))
	if err != nil {
		t.Fatal(err)
	}
	want := []storage.Goal{
		{Type: storage.MeasureTaskAnalysis, Title: "pack her bag", Steps: []string{"unpack", "hang coat", "turn in folder"}},
		{Type: storage.MeasureRating, Scale: []string{"not yet", "emerging", "mastered"}},
		{Type: storage.MeasureDuration},
	}
	for i, w := range want {
		g := r.Goals[i].Goal
		if g.Type != w.Type || g.Title != w.Title || !reflect.DeepEqual(g.Steps, w.Steps) || !reflect.DeepEqual(g.Scale, w.Scale) {
			t.Errorf("goal %d = %+v, want type %s, title %q, steps %v, scale %v", i+1, g, w.Type, w.Title, w.Steps, w.Scale)
		}
	}
}
