package graph

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/peoplegraph/peoplegraph/graph/scalar"
	"github.com/peoplegraph/peoplegraph/internal/auth"
	"github.com/peoplegraph/peoplegraph/internal/hrsync"
	"github.com/peoplegraph/peoplegraph/internal/lifecycle"
	"github.com/peoplegraph/peoplegraph/internal/pubsub"
)

// The error codes the graph puts in extensions.code.
const (
	CodeNotFound        = "NOT_FOUND"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeInternal        = "INTERNAL"
	// CodeUnavailable ends streams when the server shuts down; clients
	// resume after extensions.cursor on another replica or later.
	CodeUnavailable = "UNAVAILABLE"
)

// ErrNoOperator is returned by operations when the handler was built
// without an Operator.
var ErrNoOperator = errors.New("graph: sync operations are not available on this server")

// codedError is an error for the client with its code.
type codedError struct {
	code, msg string
}

func (e *codedError) Error() string { return e.msg }

func badInput(msg string) error { return &codedError{CodeBadUserInput, msg} }

func notFound(msg string) error { return &codedError{CodeNotFound, msg} }

// codeOf classifies err; INTERNAL means it must not reach the client.
func codeOf(err error) (string, string) {
	var ce *codedError
	var held *hrsync.HeldError
	switch {
	case errors.As(err, &ce):
		return ce.code, ce.msg
	case errors.Is(err, auth.ErrUnauthenticated):
		return CodeUnauthenticated, err.Error()
	case errors.Is(err, auth.ErrForbidden):
		return CodeForbidden, err.Error()
	case errors.Is(err, hrsync.ErrRunNotFound):
		return CodeNotFound, "sync run not found"
	case errors.Is(err, hrsync.ErrRunNotHeld):
		return CodeBadUserInput, "the sync run is not held"
	case errors.Is(err, hrsync.ErrUnknownCustomField):
		return CodeBadUserInput, err.Error()
	case errors.As(err, &held):
		return CodeBadUserInput, "approval refused: " + held.Reason
	case errors.Is(err, scalar.ErrInvalid):
		return CodeBadUserInput, err.Error()
	case errors.Is(err, ErrNoOperator), errors.Is(err, ErrNoBroker),
		errors.Is(err, ErrNoLifecycle):
		return CodeBadUserInput, err.Error()
	case errors.Is(err, pubsub.ErrSlowConsumer):
		return CodeSlowConsumer, "the subscriber fell too far behind; resume after the cursor"
	case errors.Is(err, pubsub.ErrClosed):
		return CodeUnavailable, "the server is shutting down; resume after the cursor"
	case errors.Is(err, lifecycle.ErrInvalidRange), errors.Is(err, lifecycle.ErrInvalidSchedule):
		return CodeBadUserInput, err.Error()
	}
	return CodeInternal, "internal error"
}

// errorPresenter gives every error an extensions.code. Errors gqlgen itself
// raises for a malformed request (parse, validation, variable coercion) are
// BAD_USER_INPUT; resolver errors are classified by codeOf, and internal
// ones are logged once here and masked for the client.
func errorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			c, _ := gqlErr.Extensions["code"].(string)
			if !known(c) {
				if c != "" {
					// Keep gqlgen's own code, such as PERSISTED_QUERY_NOT_FOUND,
					// for clients that look for it.
					gqlErr.Extensions["reason"] = c
				}
				errcode.Set(gqlErr, CodeBadUserInput)
			}
			return gqlErr
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		code, msg := codeOf(err)
		var ce *codedError
		if code == CodeInternal && !errors.As(err, &ce) {
			log.ErrorContext(ctx, "graphql resolver failed", "path", out.Path.String(),
				"error", err.Error())
		}
		out.Message = msg
		out.Extensions = map[string]any{"code": code}
		return out
	}
}

func known(code string) bool {
	switch code {
	case CodeNotFound, CodeBadUserInput, CodeUnauthenticated, CodeForbidden, CodeInternal:
		return true
	}
	return false
}

// recoverFunc turns a resolver panic into an internal error, logged once.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		path := ""
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			path = fc.Path().String()
		}
		log.ErrorContext(ctx, "graphql resolver panicked", "path", path, "panic", v,
			"stack", string(debug.Stack()))
		return &codedError{CodeInternal, "internal error"}
	}
}
