package hrsync

import (
	"context"
	"fmt"
	"time"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/customfieldvalue"
)

// state is the stored directory, loaded in a handful of queries.
type state struct {
	people    map[string]*storedPerson
	locations map[string]*ent.Location
	entities  map[string]*ent.LegalEntity
	defs      map[string]*ent.CustomFieldDefinition
	selected  map[string]bool
	// current counts the people not departed.
	current int
}

// storedPerson is a stored person with what the diff needs besides content.
type storedPerson struct {
	rec        record
	departedAt *time.Time
	hash       string
}

// loadDefinitions reads the custom field catalogue, which decides what the
// sync reads from Humaans and so is read before the rest of the state.
func loadDefinitions(ctx context.Context, c *ent.Client) ([]*ent.CustomFieldDefinition, error) {
	defs, err := c.CustomFieldDefinition.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load custom fields: %w", err)
	}
	return defs, nil
}

// loadState reads the stored directory, with defs as its custom field
// catalogue.
func loadState(
	ctx context.Context, c *ent.Client, defs []*ent.CustomFieldDefinition,
) (*state, error) {
	st := &state{
		locations: map[string]*ent.Location{},
		entities:  map[string]*ent.LegalEntity{},
		defs:      map[string]*ent.CustomFieldDefinition{},
		selected:  map[string]bool{},
	}
	people, err := c.Person.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load people: %w", err)
	}
	st.people = make(map[string]*storedPerson, len(people))
	for _, p := range people {
		st.people[p.ID] = &storedPerson{rec: recordOf(p), departedAt: p.DepartedAt, hash: p.SyncHash}
		if p.DepartedAt == nil {
			st.current++
		}
	}
	locs, err := c.Location.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load locations: %w", err)
	}
	for _, l := range locs {
		st.locations[l.ID] = l
	}
	ents, err := c.LegalEntity.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load legal entities: %w", err)
	}
	for _, le := range ents {
		st.entities[le.ID] = le
	}
	selected := make([]string, 0, len(defs))
	for _, d := range defs {
		st.defs[d.ID] = d
		if d.Selected {
			st.selected[d.ID] = true
			selected = append(selected, d.ID)
		}
	}
	if len(selected) == 0 {
		return st, nil
	}
	values, err := c.CustomFieldValue.Query().
		Where(customfieldvalue.DefinitionIDIn(selected...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load custom values: %w", err)
	}
	for _, v := range values {
		sp, ok := st.people[v.PersonID]
		if !ok {
			continue
		}
		sp.rec.Custom = append(sp.rec.Custom, customValue{
			DefID: v.DefinitionID, Value: v.Value, Items: nilIfEmpty(v.Items), List: v.IsList,
		})
	}
	for _, sp := range st.people {
		sortCustom(sp.rec.Custom)
	}
	return st, nil
}
