package schedule

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidConfig is wrapped by every problem New finds in a Config.
	ErrInvalidConfig = errors.New("schedule: invalid config")
	// ErrInvalidTrigger is returned by SyncNow for a trigger it does not know.
	ErrInvalidTrigger = errors.New("schedule: invalid trigger")
	// ErrAlreadyStarted is returned by a second call to Start.
	ErrAlreadyStarted = errors.New("schedule: scheduler already started")
	// ErrShutdown is returned once Shutdown has begun.
	ErrShutdown = errors.New("schedule: scheduler is shut down")
	// ErrRunTimeout is the cancellation cause of a run that exceeded Config.RunTimeout.
	ErrRunTimeout = errors.New("schedule: sync run exceeded its timeout")
	// ErrStopTimeout is the cancellation cause of a run still going at Config.StopTimeout
	// during Shutdown, and is wrapped by the error Shutdown then returns.
	ErrStopTimeout = errors.New("schedule: sync run cancelled at the stop timeout")
	// ErrNotLeader is what an Elector returns from IsLeader on a replica that is not the
	// leader.
	ErrNotLeader = errors.New("schedule: not the leader")
	// ErrElectorClosed is returned by IsLeader after the elector was closed.
	ErrElectorClosed = errors.New("schedule: elector closed")
	// ErrLockNotHeld is returned by PostgresRunLock.Publish when this process holds no run
	// lock.
	ErrLockNotHeld = errors.New("schedule: run lock not held")
	// ErrRunIDRange is returned by PostgresRunLock.Publish for an id that does not fit the
	// advisory lock that carries it (1 to 2^31-1).
	ErrRunIDRange = errors.New("schedule: run id out of range")
)

// PanicError is the error of a run or job whose function panicked. The panic is contained:
// the scheduler keeps going.
type PanicError struct {
	// Value is what the function passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error describes the panic value.
func (e *PanicError) Error() string {
	return fmt.Sprintf("schedule: panic: %v", e.Value)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}
