package graph

import (
	"context"
	"fmt"

	"github.com/peoplegraph/peoplegraph/ent"
	"github.com/peoplegraph/peoplegraph/ent/person"
	"github.com/peoplegraph/peoplegraph/graph/model"
)

// approverWalkDepth bounds how far up the approver walk goes; it is far
// beyond any real org chart, and loops end the walk earlier anyway.
const approverWalkDepth = 64

// maxApproverLevels is the largest levels argument of approvers.
const maxApproverLevels = 10

// approvers walks up the management chain of the person with this email and
// picks the first levels available managers.
func (r *Resolver) approvers(ctx context.Context, email string, levels int, skip []string) (
	*model.ApproverResult, error,
) {
	if levels < 1 || levels > maxApproverLevels {
		return nil, badInput(fmt.Sprintf("levels must be between 1 and %d", maxApproverLevels))
	}
	skipped := make(map[string]bool, len(skip))
	for _, s := range skip {
		e, ok := normalizeEmail(s)
		if !ok {
			return nil, badInput(fmt.Sprintf("skip: %q is not an email address", s))
		}
		skipped[e] = true
	}
	p, err := r.personByEmail(ctx, email)
	if err != nil || p == nil {
		return nil, err
	}
	l := r.loaders(ctx)
	l.know(p)
	chains, err := l.chains(ctx, []*ent.Person{p}, approverWalkDepth)
	if err != nil {
		return nil, err
	}
	c := chains[p.ID]
	res := &model.ApproverResult{
		Person: p, Approvers: []*model.Approver{}, Skipped: []*model.SkippedManager{},
	}
	last := 0
	for i, m := range c.managers {
		if len(res.Approvers) == levels {
			break
		}
		distance := i + 1
		if why, skip := unavailable(m, skipped); skip {
			res.Skipped = append(res.Skipped, &model.SkippedManager{Person: m, Reason: why})
			continue
		}
		reason := model.ApproverReasonFallbackUpTheChain
		switch {
		case distance == 1:
			reason = model.ApproverReasonDirectManager
		case last > 0 && distance == last+1:
			reason = model.ApproverReasonNextManager
		}
		res.Approvers = append(res.Approvers, &model.Approver{
			Level: len(res.Approvers) + 1, Person: m, Reason: reason, Distance: distance,
		})
		last = distance
	}
	if len(res.Approvers) < levels {
		res.ChainEnded = c.ended
		res.LoopDetected = c.loop
	}
	people := make([]*ent.Person, 0, len(c.managers)+1)
	people = append(people, p)
	people = append(people, c.managers...)
	return res, r.prefetch(ctx, people, "approvers", "person")
}

// unavailable says whether a manager cannot approve, and why.
func unavailable(m *ent.Person, skip map[string]bool) (model.SkipReason, bool) {
	switch {
	case m.DepartedAt != nil:
		return model.SkipReasonDeparted, true
	case m.Status == person.StatusOFFBOARDED:
		return model.SkipReasonOffboarded, true
	case m.Status == person.StatusPRE_HIRE:
		return model.SkipReasonPreHire, true
	case m.WorkEmail == nil || *m.WorkEmail == "":
		return model.SkipReasonNoWorkEmail, true
	case skip[*m.WorkEmail]:
		return model.SkipReasonRequested, true
	}
	return "", false
}
