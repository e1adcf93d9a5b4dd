package pubsub

import (
	"context"

	"github.com/peoplegraph/peoplegraph/ent"
)

// pump reads the log whenever it is woken or the poll ticks, until ctx
// ends; then it closes every subscription.
func (b *Broker) pump(ctx context.Context) {
	defer b.wg.Done()
	defer b.shutdown()
	ticker := b.opts.clock.NewTicker(b.opts.poll)
	defer ticker.Stop()
	for {
		b.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-ticker.Chan():
		}
		b.wakes.Add(1)
	}
}

// drain reads and fans out everything after the head, batch by batch. A
// failed read is logged and retried at the next wake-up.
func (b *Broker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		b.mu.Lock()
		after := b.head
		b.mu.Unlock()
		evs, err := b.read(ctx, after, b.opts.batch)
		b.reads.Add(1)
		if err != nil {
			if ctx.Err() == nil {
				b.opts.logger.Warn("reading the event log failed", "error", err)
			}
			return
		}
		if len(evs) > 0 {
			b.fanOut(evs)
		}
		if len(evs) < b.opts.batch {
			return
		}
	}
}

// fanOut hands a batch to every subscription and advances the head, under
// the broker's lock so that a subscription switching from replay to live
// sees a consistent head.
func (b *Broker) fanOut(evs []*ent.Event) {
	head := int64(evs[len(evs)-1].ID)
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if !s.offer(evs, head) {
			delete(b.subs, s)
		}
	}
	b.head = head
}

// shutdown closes every subscription with ErrClosed and refuses new ones.
func (b *Broker) shutdown() {
	b.mu.Lock()
	b.closed = true
	subs := b.subs
	b.subs = make(map[*Subscription]struct{})
	b.mu.Unlock()
	for s := range subs {
		s.end(ErrClosed)
	}
}
