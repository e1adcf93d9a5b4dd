package humaanssim

import (
	"log/slog"
	"time"
)

// DefaultNow is the clock's start when Options.Now is zero. It is fixed so that generated
// companies are the same on every run.
var DefaultNow = time.Date(2026, time.June, 1, 9, 0, 0, 0, time.UTC)

// defaultPeople is the company size when neither People nor Fixture is set.
const defaultPeople = 50

// Options configures a Simulator. The zero value serves a 50-person company generated from
// seed 0 with the stock Feathers behaviour for every uncertain point.
type Options struct {
	// People is the size of the generated company (50 when 0 and no Fixture is given).
	People int
	// Seed drives the generator; the same Seed, People and Now give a byte-identical company.
	Seed int64
	// Fixture is the path of a JSON file in the Humaans wire format. It overrides People and
	// Seed (Seed still drives the ids of records created later).
	Fixture string
	// Token is the default token, holding public:read and private:read. When empty a
	// deterministic one is derived from Seed. Token returns it.
	Token string
	// Now is the clock's start; zero means DefaultNow.
	Now time.Time
	// Logger receives a debug line per API request; nil discards.
	Logger *slog.Logger

	// DefaultStatusActiveOnly makes GET /people without a status filter return only active
	// people. Public clients disagree on this; by default every status is returned.
	DefaultStatusActiveOnly bool
	// NoTokenInfo makes GET /token-info answer 404, as on tenants that do not serve it.
	NoTokenInfo bool
	// RejectUnknownParams makes a filter on a field the resource does not have, or an unknown
	// $-parameter, a 400 BadRequest. By default such parameters are ignored.
	RejectUnknownParams bool
	// RejectOverLimit makes $limit above 250 a 400 BadRequest instead of the default clamp.
	RejectOverLimit bool
	// PublicHidesOffboarded hides offboarded people (and their rows) from tokens without
	// private:read, as well as the pre-hires that are always hidden from them.
	PublicHidesOffboarded bool
	// FullProfiles serves every person field, with null for the unset ones, and the
	// personal profile: personal email and phone, gender, the home address block and the
	// working week. By default people are served sparsely: unset fields, false flags and
	// empty lists are left out, a first working day equal to the start date is not repeated,
	// and neither the personal profile nor directReports (which only restates the job
	// roles' reportingTo) is served. That keeps a 250-row page of people under 128 KiB,
	// the most a single command-line argument may hold on Linux, so shell tools can pass a
	// page around. Whether Humaans itself writes nulls is not documented; clients must
	// accept both forms.
	FullProfiles bool
	// NullPrivateFields sends private person fields as null to tokens without private:read
	// instead of leaving them out of the object.
	NullPrivateFields bool
	// FlipsBumpUpdatedAt makes changes caused only by the clock (a status flip, a scheduled
	// role taking effect and the directReports it changes) bump updatedAt. By default they
	// do not, which is the harder case for an incremental sync.
	FlipsBumpUpdatedAt bool
	// RoleChangeBumpsPerson makes ChangeRole bump the person's own updatedAt. By default only
	// the job role rows (and the managers whose directReports change) are bumped.
	RoleChangeBumpsPerson bool
}
