package pubsub

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// listen opens the Postgres listening connection and starts forwarding its
// notifications to the pump. It waits for the server to acknowledge LISTEN,
// or for ctx to end.
func (b *Broker) listen(ctx context.Context) error {
	l := pq.NewListener(b.db.ConnString(), b.opts.minReconnect, b.opts.maxReconnect,
		b.listenerEvent)
	done := make(chan error, 1)
	go func() { done <- l.Listen(Channel) }()
	select {
	case err := <-done:
		if err != nil {
			_ = l.Close()
			return fmt.Errorf("pubsub: listen on %s: %w", Channel, err)
		}
	case <-ctx.Done():
		_ = l.Close()
		<-done
		return fmt.Errorf("pubsub: listen on %s: %w", Channel, ctx.Err())
	}
	b.listener = l
	b.wg.Add(1)
	go b.forward(ctx, l.NotificationChannel())
	return nil
}

// forward turns notifications into wake-ups, draining the listener's
// channel promptly so that its connection never stalls. A nil notification
// follows a reconnect, after which notifications sent meanwhile are lost:
// the wake-up makes the pump read the log, which holds them all.
func (b *Broker) forward(ctx context.Context, ch <-chan *pq.Notification) {
	defer b.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case n, ok := <-ch:
			if !ok {
				return
			}
			if n == nil {
				b.reconnects.Add(1)
			}
			b.Publish(ctx)
		}
	}
}

// listenerEvent logs the listening connection's state changes.
func (b *Broker) listenerEvent(ev pq.ListenerEventType, err error) {
	switch ev {
	case pq.ListenerEventConnected:
		b.opts.logger.Debug("event listener connected")
	case pq.ListenerEventDisconnected:
		b.opts.logger.Warn("event listener disconnected", "error", err)
	case pq.ListenerEventReconnected:
		b.opts.logger.Info("event listener reconnected")
	case pq.ListenerEventConnectionAttemptFailed:
		b.opts.logger.Warn("event listener reconnect failed", "error", err)
	}
}
