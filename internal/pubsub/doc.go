// Package pubsub streams the event log to subscribers: GraphQL subscriptions
// for lifecycle triggers and directory changes.
//
// The log is the truth and notifications are only wake-ups. A Broker keeps
// the id of the last event it has read; whenever it is woken (a local
// Publish after a commit, a Postgres NOTIFY from any replica, a reconnect of
// its listening connection, or a slow safety poll) it reads what follows in
// id order, once for all subscribers, and hands each subscriber what its
// filter accepts. A lost notification therefore delays an event by at most
// the poll interval and never loses it.
//
// Subscribers resume from a cursor (an event id): the broker replays the log
// after it, then continues live, with no gap and no duplicate at the seam. A
// subscriber whose buffer fills is not waited for: it catches up from the
// log on its own goroutine, and is closed with a SlowConsumerError if it
// falls further behind than the broker allows.
//
// Event ids must be committed in increasing order for a reader never to skip
// one; every writer of the log takes LockLog in its transaction for that.
package pubsub
