// Package humaanssim is a local Humaans API: a generated (or fixture-loaded) company served over
// HTTP in the Humaans wire format, with scoped tokens, a controllable clock, a control API that
// changes the company while it runs, and per-route fault injection.
//
// It follows the behaviours described for the real API: the {total, limit, skip, data}
// envelope, $limit/$skip paging with a clamp at 250, Feathers-style filters, {name, message,
// code} error bodies and scope-dependent visibility. Where the real behaviour is not known, the
// simulator picks the stock Feathers answer and offers a switch in Options for the alternative.
//
// The control API, outside /api and without authentication, mirrors the Go methods:
//
//	POST   /_sim/people                           Hire (201, the person)
//	GET    /_sim/people                           People
//	POST   /_sim/people/{id}/role                 ChangeRole (201, the new job role)
//	POST   /_sim/people/{id}/email                ChangeEmail
//	PATCH  /_sim/people/{id}                      UpdatePerson
//	POST   /_sim/people/{id}/offboard             Offboard ({"lastWorkingDay": "YYYY-MM-DD"})
//	DELETE /_sim/people/{id}                      Delete ({"id", "deleted": true})
//	PUT    /_sim/people/{id}/custom-values/{name} SetCustomValue ({"value": ...})
//	GET    /_sim/clock, POST /_sim/clock          Now, SetNow ({"now"}) or Advance ({"advance"})
//	POST   /_sim/faults, DELETE /_sim/faults      InjectFault (delay as "250ms"), ClearFaults
//	POST   /_sim/tokens, DELETE /_sim/tokens/{t}  AddToken ({"token", "scopes"}), RevokeToken
//	GET    /_sim/requests/{route}                 Requests ("*" for every route)
//
// Malformed input answers 400 and an unknown id 404, with the API's error body.
//
// A Simulator is safe for concurrent use. Its clock never moves by itself: it starts at
// Options.Now and changes only through SetNow, Advance or the control API, so a seed and a
// size always produce the same company and the same responses.
package humaanssim
