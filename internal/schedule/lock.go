package schedule

import (
	"context"
	"sync"

	"github.com/go-co-op/gocron/v2"
)

// Advisory-lock keys for a deployment that runs one peoplegraph per database: one for
// leadership of scheduled work, one held for the length of every sync run, whichever replica
// starts it. Replicas of the same deployment must use the same keys, and the two keys must
// differ.
const (
	DefaultElectionKey = "peoplegraph:scheduler-leader"
	DefaultRunLockKey  = "peoplegraph:sync-run"
)

// RunLock makes one sync run at a time, across every process that shares it.
type RunLock interface {
	// TryLock takes the lock without waiting. It returns ok=false when someone else holds
	// it. The release func gives the lock back; it is safe to call more than once and does
	// not depend on ctx still being live.
	TryLock(ctx context.Context) (release func(), ok bool, err error)
}

// RunTracker is implemented by a RunLock that can tell other processes the id of the run
// that holds it, so that SyncNow on another replica joins that run by its id.
type RunTracker interface {
	// Publish records runID as the run holding the lock this process took.
	Publish(ctx context.Context, runID int) error
	// Current returns the id published by whichever process holds the lock, and false when
	// no id is published.
	Current(ctx context.Context) (runID int, ok bool, err error)
}

// Elector decides whether this process is the leader, the one that runs scheduled work. It
// is gocron's Elector (IsLeader returns nil on the leader) plus Close, which gives up the
// leadership.
type Elector interface {
	gocron.Elector
	Close() error
}

// localLock is the RunLock of a single process.
type localLock struct {
	mu sync.Mutex
}

func (l *localLock) TryLock(context.Context) (func(), bool, error) {
	if !l.mu.TryLock() {
		return nil, false, nil
	}
	return sync.OnceFunc(l.mu.Unlock), true, nil
}
