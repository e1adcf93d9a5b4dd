package humaanssim

import (
	"encoding/json"
	"fmt"

	"github.com/peoplegraph/peoplegraph/internal/humaans"
)

// fieldSpec is a generated custom field and how its values are drawn.
type fieldSpec struct {
	name, section, fieldType string
	choices                  []string
	coverage                 float64
}

var fieldSpecs = []fieldSpec{
	{"Cost Center", "role", "multipleChoices", []string{"R&D", "G&A", "S&M", "COGS"}, 0.9},
	{"T-shirt Size", "equipment", "singleChoice", []string{"XS", "S", "M", "L", "XL", "XXL"}, 0.6},
	{"Laptop Serial", "equipment", "text", nil, 0.7},
	{"Security Training Completed", "details", "date", nil, 0.5},
	{"Personal Website", "social", "link", nil, 0.1},
	{"Languages", "basics", "multipleChoices",
		[]string{"English", "German", "Japanese", "Spanish", "French", "Te reo Māori"}, 0.3},
}

func (g *generator) customFields() {
	c := g.ds.companies[0]
	for _, f := range fieldSpecs {
		config := json.RawMessage(`{}`)
		if f.choices != nil {
			config, _ = json.Marshal(map[string][]string{"choices": f.choices})
		}
		created := g.between(c.createdAt, stampOf(g.now.Add(-200*day)))
		g.ds.fields = append(g.ds.fields, &customField{
			id: g.ids.next(), companyID: c.id, name: f.name, section: f.section,
			fieldType: f.fieldType, config: config, createdAt: created, updatedAt: created,
		})
	}
}

func (g *generator) customValues(p *person) {
	for k, f := range fieldSpecs {
		if !g.chance(f.coverage) {
			continue
		}
		field := g.ds.fields[k]
		created := g.between(max(p.createdAt, field.createdAt), stampOf(g.now))
		g.ds.values = append(g.ds.values, &customValue{
			id: g.ids.next(), personID: p.id, fieldID: field.id, value: g.valueFor(f, p),
			createdAt: created, updatedAt: created,
		})
	}
}

func (g *generator) valueFor(f fieldSpec, p *person) humaans.Value {
	switch f.fieldType {
	case "multipleChoices":
		n := 1 + g.intn(2)
		start := g.intn(len(f.choices))
		items := make([]string, 0, n)
		for k := range n {
			items = append(items, f.choices[(start+k)%len(f.choices)])
		}
		return humaans.Value{Items: items, List: true}
	case "singleChoice":
		return scalar(pick(g, f.choices))
	case "date":
		return scalar(g.today.AddDays(-1 - g.intn(365)).String())
	case "link":
		return scalar(fmt.Sprintf("https://%s%s.example",
			foldEmail(p.firstName), foldEmail(p.lastName)))
	default:
		return scalar(fmt.Sprintf("LL-%s", randomString(g.rng, 8)))
	}
}

func scalar(s string) humaans.Value { return humaans.Value{Items: []string{s}} }
