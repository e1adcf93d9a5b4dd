// Package humaanssim is a local Humaans API: a generated (or fixture-loaded) company served over
// HTTP in the Humaans wire format, with scoped tokens, a controllable clock, a control API that
// changes the company while it runs, and per-route fault injection.
//
// It follows the behaviours described for the real API: the {total, limit, skip, data}
// envelope, $limit/$skip paging with a clamp at 250, Feathers-style filters, {name, message,
// code} error bodies and scope-dependent visibility. Where the real behaviour is not known, the
// simulator picks the stock Feathers answer and offers a switch in Options for the alternative.
//
// A Simulator is safe for concurrent use. Its clock never moves by itself: it starts at
// Options.Now and changes only through SetNow, Advance or the control API, so a seed and a
// size always produce the same company and the same responses.
package humaanssim
