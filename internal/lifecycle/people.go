package lifecycle

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/peoplegraph/peoplegraph/ent/location"
	"github.com/peoplegraph/peoplegraph/ent/person"
)

// peopleQuery reads the dates of everyone who can have an occurrence: the
// people in the directory, and those who left whose end date falls between
// $1 and $2, with when each row was created. It is plain SQL both dialects accept, so that 100,000 people
// load in one round trip without building entities.
var peopleQuery = fmt.Sprintf(`SELECT p.%[1]s,
	CASE WHEN p.%[2]s IS NULL AND p.%[3]s IN ('%[4]s', '%[5]s') THEN 1 ELSE 0 END,
	p.%[6]s, p.%[7]s, p.%[8]s, p.%[9]s, p.%[10]s, p.%[11]s, l.%[12]s, p.%[17]s
FROM %[13]s p LEFT JOIN %[14]s l ON l.%[15]s = p.%[16]s
WHERE (p.%[2]s IS NULL AND p.%[3]s IN ('%[4]s', '%[5]s'))
	OR (p.%[7]s >= $1 AND p.%[7]s <= $2)`,
	person.FieldID, person.FieldDepartedAt, person.FieldStatus,
	person.StatusACTIVE, person.StatusPRE_HIRE,
	person.FieldStartDate, person.FieldEndDate, person.FieldProbationEndDate,
	person.FieldDateOfBirth, person.FieldBirthdayHidden, person.FieldTimezone,
	location.FieldTimezone, person.Table, location.Table, location.FieldID,
	person.FieldLocationID, person.FieldCreatedAt)

// loadPeople reads everyone who may have an occurrence, leavers only when
// their end date lies in ends, resolving each person's zone through zs and
// giving them its due window when known says the last evaluation knew them,
// its today window otherwise. It hands each person to visit as it is read,
// so that a directory is never held in memory whole; p is reused for the
// next row once visit returns.
func loadPeople(ctx context.Context, db *sql.DB, ends span, zs *zoneSet,
	known func(created time.Time) bool, visit func(p *personDates)) error {
	rows, err := db.QueryContext(ctx, peopleQuery, ends.from.String(), ends.to.String())
	if err != nil {
		return fmt.Errorf("query people: %w", err)
	}
	defer rows.Close()
	var (
		p              personDates
		current        int
		tz, locationTZ sql.NullString
	)
	for rows.Next() {
		err := rows.Scan(&p.id, &current, &p.start, &p.end, &p.probation, &p.birth,
			&p.hiddenBday, &tz, &locationTZ, &p.created)
		if err != nil {
			return fmt.Errorf("scan person: %w", err)
		}
		p.current = current == 1
		p.zone = zs.resolve(tz.String, locationTZ.String)
		p.win = &p.zone.today
		if known(p.created) {
			p.win = &p.zone.due
		}
		visit(&p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read people: %w", err)
	}
	return nil
}

// leaverEnds returns the end dates a leaver's END_DATE occurrence can have
// when it fires on a day of fire (in UTC days): zones differ from UTC by
// less than two days, and only offsets of zero or more apply to leavers.
func leaverEnds(fire span, schedules []Schedule) span {
	most := 0
	for _, s := range schedules {
		if s.Type == EndDate && s.OffsetDays >= 0 {
			most = max(most, s.OffsetDays)
		}
	}
	return span{fire.from.AddDays(-2 - most), fire.to.AddDays(2)}
}
