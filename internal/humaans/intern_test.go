package humaans

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestInterner(t *testing.T) {
	t.Run("repeated values share one copy and keep their text", func(t *testing.T) {
		in := newInterner()
		a := []Person{
			{ID: "p1", CompanyID: string([]byte("co1")), Teams: []Team{{Name: "Core"}}},
			{ID: "p2", CompanyID: string([]byte("co1")), Teams: []Team{{Name: "Core"}}},
		}
		internRows(in, a)
		require.Equal(t, "co1", a[1].CompanyID)
		require.Equal(t, unsafe.StringData(a[0].CompanyID), unsafe.StringData(a[1].CompanyID))
		require.Equal(t, unsafe.StringData(a[0].Teams[0].Name), unsafe.StringData(a[1].Teams[0].Name))
	})
	t.Run("roles and values share the ids of people read before them", func(t *testing.T) {
		in := newInterner()
		people := []Person{{ID: string([]byte("p1"))}}
		roles := []JobRole{{ID: "r1", PersonID: string([]byte("p1"))}}
		values := []CustomValue{{ID: "v1", PersonID: string([]byte("p1")), CustomFieldID: "f1",
			Value: Value{Items: []string{"x"}}}}
		internRows(in, people)
		internRows(in, roles)
		internRows(in, values)
		require.Equal(t, unsafe.StringData(people[0].ID), unsafe.StringData(roles[0].PersonID))
		require.Equal(t, unsafe.StringData(people[0].ID), unsafe.StringData(values[0].PersonID))
		require.Equal(t, []string{"x"}, values[0].Value.Items)
	})
	t.Run("a nil interner leaves rows as decoded", func(t *testing.T) {
		rows := []Person{{ID: "p1", CompanyID: "co1"}}
		internRows(nil, rows)
		require.Equal(t, []Person{{ID: "p1", CompanyID: "co1"}}, rows)
	})
}

func TestMergePeople(t *testing.T) {
	t.Run("listings are concatenated in order without repeats", func(t *testing.T) {
		lists := [][]Person{
			{{ID: "a"}, {ID: "b"}},
			{{ID: "b"}, {ID: "c"}},
			nil,
		}
		merged := mergePeople(lists)
		require.Equal(t, []Person{{ID: "a"}, {ID: "b"}, {ID: "c"}}, merged)
		require.Equal(t, [][]Person{nil, nil, nil}, lists, "each listing is released")
	})
	t.Run("no listings give no people", func(t *testing.T) {
		require.Empty(t, mergePeople([][]Person{nil, nil}))
	})
}
