package summary

// Narrative is the optional paragraph about one student written by an
// LLM. Text is empty when there is none, and Reason then says why (no
// server configured, a timeout, an answer that was refused); the summary
// is complete without it.
type Narrative struct {
	Text   string
	Reason string
}
