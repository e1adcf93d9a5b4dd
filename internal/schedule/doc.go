// Package schedule runs the directory sync on its interval, at start-up and on demand, and
// makes sure no two sync runs overlap, in one process or across replicas sharing a Postgres
// database.
//
// A [Scheduler] is given the sync as a [SyncFunc] and knows nothing about how the sync stores
// its runs. One run happens at a time: a caller that asks for a sync while one is under way
// joins that run and learns its id instead of starting a second one. Across replicas a
// [RunLock] (a Postgres advisory lock, see [NewPostgresRunLock]) enforces the same rule, and an
// [Elector] (see [NewPostgresElector]) picks the one replica that runs scheduled work.
//
// Runs execute on goroutines the scheduler owns, not on gocron's, so a run started by a tick
// is not cancelled the moment the scheduler stops: [Scheduler.Shutdown] gives it until the stop
// timeout to finish and cancels it after that, so its transaction rolls back.
package schedule
