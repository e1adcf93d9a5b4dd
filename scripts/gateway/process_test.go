package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long a process group gets to exit after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// logBuffer collects a process's output and wakes waiters on every write.
type logBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newLogBuffer() *logBuffer {
	return &logBuffer{changed: make(chan struct{})}
}

// Write appends p and signals everyone waiting for new output.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	close(b.changed)
	b.changed = make(chan struct{})
	return n, err
}

// snapshot returns the output so far and a channel closed on the next write.
func (b *logBuffer) snapshot() (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String(), b.changed
}

// process is a child started in its own process group, with its output captured.
type process struct {
	name   string
	cmd    *exec.Cmd
	out    *logBuffer
	exited chan struct{}
	err    error // set before exited is closed
}

// startProcess runs name's command in dir with the test environment plus env, in a new
// process group. A t.Cleanup stops the whole group and, when the test failed, logs the
// process's output.
func startProcess(t *testing.T, name, dir string, env []string, argv ...string) *process {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{name: name, cmd: cmd, out: newLogBuffer(), exited: make(chan struct{})}
	cmd.Stdout = p.out
	cmd.Stderr = p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			out, _ := p.out.snapshot()
			t.Logf("--- output of %s (%s) ---\n%s", name, strings.Join(argv, " "), out)
		}
	})
	return p
}

// stop ends the process group: SIGTERM first, SIGKILL if it lingers.
func (p *process) stop() {
	pgid := p.cmd.Process.Pid
	select {
	case <-p.exited:
		// The leader is gone; make sure nothing it started survives it.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		return
	default:
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.exited
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// exitError describes how the process ended; call it only after exited is closed.
func (p *process) exitError() error {
	if p.err == nil {
		return fmt.Errorf("%s exited early with status 0", p.name)
	}
	return fmt.Errorf("%s exited early: %w", p.name, p.err)
}

// waitForLine waits until the output has a line containing marker and returns that line.
func (p *process) waitForLine(ctx context.Context, marker string) (string, error) {
	for {
		out, changed := p.out.snapshot()
		for line := range strings.Lines(out) {
			if strings.Contains(line, marker) {
				return strings.TrimSpace(line), nil
			}
		}
		select {
		case <-changed:
		case <-p.exited:
			// Output written just before exiting still counts.
			if out, _ := p.out.snapshot(); strings.Contains(out, marker) {
				continue
			}
			return "", p.exitError()
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for %q from %s: %w", marker, p.name, ctx.Err())
		}
	}
}

// errNotYet tells poll that the condition does not hold yet and it should try again.
var errNotYet = errors.New("not yet")

// poll calls check every interval until it returns nil, a error other than one wrapping
// errNotYet, the process exits or ctx ends. The last "not yet" reason is reported on timeout.
func (p *process) poll(ctx context.Context, what string, check func(context.Context) error) error {
	const interval = 100 * time.Millisecond
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var last error
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errNotYet) {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		last = err
		select {
		case <-ticker.C:
		case <-p.exited:
			return fmt.Errorf("waiting for %s: %w", what, p.exitError())
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s (last: %v): %w", what, last, ctx.Err())
		}
	}
}
