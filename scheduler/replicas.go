package scheduler

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"parabot/storage"
)

// Sharer is a Sender whose platform limits are the bot's as a whole (a
// Slack workspace's messages a second, Discord's global limit), shared by
// every replica: the scheduler tells it how many replicas are live, and
// it keeps to its share.
type Sharer interface {
	Share(replicas int)
}

// ReplicaSilence is how long a replica may go without beating before the
// others take it for dead: they share the platforms' limits without it,
// and its running jobs are run again at once (River's own rescue waits
// RescueAfter). A replica beats every fifth of it. Well above any pause
// of a live process, so a live replica's jobs are not run twice.
const ReplicaSilence = 5 * time.Second

// replicaID names a replica in the replicas table and, as River's client
// id, in the attempted_by of the jobs it runs.
func replicaID() string {
	host, _ := os.Hostname()
	host = strings.NewReplacer(".", "_", " ", "_").Replace(host)
	if len(host) > 40 {
		host = host[:40]
	}
	return cmp.Or(host, "parabot") + "_" + strings.ToLower(rand.Text()[:10])
}

// replicas keeps one runner's beat: it records the replica alive, tells
// the senders how many replicas share their limits, and runs again the
// running jobs of replicas that fell silent.
type replicas[TTx any] struct {
	id      string
	store   storage.Replicas
	driver  riverdriver.Driver[TTx]
	senders map[storage.Platform]Sender
	log     *slog.Logger
	now     func() time.Time // the scheduler's clock, for the rescued jobs' time
	silence time.Duration
	count   func(live, rerun int) // may be nil
	live    int
	beaten  time.Time // the wall time of the last beat recorded
}

// beat records the replica alive once, shares the limits when the count
// of live replicas changed, and takes over the jobs of the dead.
func (r *replicas[TTx]) beat(ctx context.Context) {
	wall := time.Now()
	stale := wall.Add(-r.silence)
	if !r.beaten.IsZero() && wall.Sub(r.beaten) > r.silence {
		// This replica could not beat for a while either (the database
		// was out of reach, the process paused): the others were likely
		// cut off alike, so their silence says nothing yet. Whoever is
		// still silent at the next beat is dead.
		stale = time.Time{}
	}
	bctx, cancel := context.WithTimeout(ctx, r.silence)
	defer cancel()
	live, dead, err := r.store.Beat(bctx, r.id, wall, stale)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("recording this replica alive failed", "error", err)
		}
		return
	}
	r.beaten = wall
	if live != r.live {
		r.live = live
		for _, s := range r.senders {
			if sh, ok := s.(Sharer); ok {
				sh.Share(live)
			}
		}
	}
	rerun := 0
	for _, id := range dead {
		rctx, cancel := context.WithTimeout(ctx, rescueTimeout)
		n, err := r.rescue(rctx, id)
		cancel()
		rerun += n
		if err != nil {
			r.log.Error("running again the jobs of a silent replica failed", "replica_id", id, "error", err)
			continue
		}
		r.log.Warn("a replica fell silent: its running jobs run again", "replica_id", id, "jobs", n)
	}
	if r.count != nil {
		r.count(live, rerun)
	}
}

// run beats every fifth of the silence until ctx ends.
func (r *replicas[TTx]) run(ctx context.Context) {
	t := time.NewTicker(r.silence / 5)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.beat(ctx)
		}
	}
}

// rescueTimeout bounds the taking over of one dead replica's jobs.
const rescueTimeout = 30 * time.Second

// farFuture is later than any clock a job was stamped by.
var farFuture = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)

// rescue makes the running jobs last attempted by replica dead available
// again (discarded when their attempts are used up), as River's rescuer
// does for a job running too long. The job's next attempt is a repeat,
// so a message it may have sent is looked up before it is sent again.
func (r *replicas[TTx]) rescue(ctx context.Context, dead string) (int, error) {
	exec := r.driver.GetExecutor()
	n := 0
	var after int64
	for {
		jobs, err := exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{AfterID: after, Max: 500, StuckHorizon: farFuture})
		if err != nil {
			return n, fmt.Errorf("listing running jobs: %w", err)
		}
		now := r.now().UTC()
		p := &riverdriver.JobRescueManyParams{StuckHorizon: farFuture}
		for _, j := range jobs {
			after = j.ID
			if len(j.AttemptedBy) == 0 || j.AttemptedBy[len(j.AttemptedBy)-1] != dead {
				continue
			}
			msg, err := json.Marshal(rivertype.AttemptError{At: now, Attempt: j.Attempt,
				Error: "its replica fell silent: run again"})
			if err != nil {
				return n, err
			}
			state, fin := rivertype.JobStateAvailable, (*time.Time)(nil)
			if j.Attempt >= j.MaxAttempts {
				state, fin = rivertype.JobStateDiscarded, &now
			}
			p.ID = append(p.ID, j.ID)
			p.Error = append(p.Error, msg)
			p.FinalizedAt = append(p.FinalizedAt, fin)
			p.ScheduledAt = append(p.ScheduledAt, now)
			p.State = append(p.State, string(state))
		}
		if len(p.ID) > 0 {
			if _, err := exec.JobRescueMany(ctx, p); err != nil {
				return n, fmt.Errorf("making jobs available: %w", err)
			}
			n += len(p.ID)
		}
		if len(jobs) < 500 {
			return n, nil
		}
	}
}
