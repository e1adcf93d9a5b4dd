package hrsync

import "slices"

// findLoops returns the people who sit on a reporting loop in the manager
// graph given by managerOf (person id -> manager id, "" for none). Each
// loop is returned once, its members sorted.
func findLoops(managerOf map[string]string) [][]string {
	const (
		unvisited = iota
		onPath
		done
	)
	state := make(map[string]int, len(managerOf))
	var loops [][]string
	ids := make([]string, 0, len(managerOf))
	for id := range managerOf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, start := range ids {
		if state[start] != unvisited {
			continue
		}
		var path []string
		id := start
		for id != "" && state[id] == unvisited {
			state[id] = onPath
			path = append(path, id)
			id = managerOf[id]
		}
		if id != "" && state[id] == onPath {
			at := slices.Index(path, id)
			loop := slices.Clone(path[at:])
			slices.Sort(loop)
			loops = append(loops, loop)
		}
		for _, p := range path {
			state[p] = done
		}
	}
	return loops
}
