package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/internal/civil"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
)

// Operator runs the sync operations the graph exposes. internal/operator
// has the production implementation.
type Operator interface {
	// SyncNow starts a sync, or joins the one under way (joined is then
	// true), and returns its run.
	SyncNow(ctx context.Context) (run *ent.SyncRun, joined bool, err error)
	// Approve applies a held run.
	Approve(ctx context.Context, runID int) (*ent.SyncRun, error)
	// Discard discards a held run.
	Discard(ctx context.Context, runID int) (*ent.SyncRun, error)
	// SelectCustomFields makes exactly these custom fields sync.
	SelectCustomFields(ctx context.Context, names []string) error
	// CurrentRun returns the run under way, or nil.
	CurrentRun(ctx context.Context) (*ent.SyncRun, error)
	// NextSync returns when the next scheduled sync starts, false when
	// this process schedules none.
	NextSync() (time.Time, bool)
}

// Lifecycle projects lifecycle events; internal/lifecycle's Evaluator is the
// production implementation.
type Lifecycle interface {
	// Upcoming returns the occurrences on a local day in [from, to] of the
	// given types (every type when empty), ordered by fire instant.
	Upcoming(ctx context.Context, from, to civil.Date,
		types []lifecycle.Type) ([]lifecycle.Occurrence, error)
}

// Resolver is the root resolver. NewHandler builds it from a Config.
type Resolver struct {
	client   *ent.Client
	operator Operator
	limits   Limits
	log      *slog.Logger
	cache    *readCache
	// broker streams the event log to subscriptions; nil turns them off.
	broker *pubsub.Broker
	// lifecycle answers upcomingLifecycleEvents; nil turns it off.
	lifecycle Lifecycle
	// eventRows reads the people of streamed events for every subscriber.
	eventRows *eventPeople
	// shared resolves each streamed event once for the subscribers that
	// would resolve it identically.
	shared *sharedResponses
	// observer is told what the caches did.
	observer Observer
}
