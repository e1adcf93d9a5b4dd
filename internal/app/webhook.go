package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// SignatureHeader is the header that carries a Humaans webhook's signature:
// the hex HMAC-SHA256 of the raw body under the webhook's secret, optionally
// prefixed with "sha256=". Humaans' public material does not pin the header
// name down, so the handler also accepts X-Signature.
const SignatureHeader = "X-Humaans-Signature"

// maxWebhookBody bounds what a webhook may send; Humaans payloads are small.
const maxWebhookBody = 1 << 20

// webhookHandler answers /webhooks/humaans. A correctly signed delivery
// starts a sync (or joins the one under way) and is answered 202 with the
// run's id; the payload itself is not trusted beyond its signature, since a
// full sync reads the truth from the API.
type webhookHandler struct {
	secret []byte
	sync   func(ctx context.Context) (runID int, joined bool, err error)
	logger *slog.Logger
}

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSONError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		writeJSONError(w, http.StatusRequestEntityTooLarge, "body too large or unreadable")
		return
	}
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		sig = r.Header.Get("X-Signature")
	}
	if !validSignature(h.secret, body, sig) {
		h.logger.Warn("webhook rejected: bad signature", "remote", r.RemoteAddr)
		writeJSONError(w, http.StatusUnauthorized, "missing or invalid signature")
		return
	}
	if len(body) > 0 && !json.Valid(body) {
		writeJSONError(w, http.StatusBadRequest, "body is not JSON")
		return
	}
	// The sync outlives the request: detach it from the request's context.
	runID, joined, err := h.sync(context.WithoutCancel(r.Context()))
	if err != nil {
		h.logger.Error("webhook could not start a sync", "error", err)
		writeJSONError(w, http.StatusServiceUnavailable, "sync could not be started")
		return
	}
	h.logger.Info("webhook triggered a sync", "run_id", runID, "joined", joined)
	writeJSON(w, http.StatusAccepted, map[string]any{"syncRunId": runID, "joined": joined})
}

func validSignature(secret, body []byte, sig string) bool {
	got, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(sig), "sha256="))
	return err == nil && hmac.Equal(got, mac(secret, body))
}

// Sign returns the signature a Humaans delivery of body carries under
// secret, as tests send it.
func Sign(secret, body []byte) string {
	return hex.EncodeToString(mac(secret, body))
}

func mac(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": msg, "code": status})
}
