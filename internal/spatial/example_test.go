package spatial_test

import (
	"fmt"

	"github.com/oas-atalaya/atalaya/internal/spatial"
)

// A hot spot on a 5 × 5 lattice of cells: Gi* with queen contiguity and
// 999 conditional permutations, significance after a 5 % false-discovery
// rate correction.
func ExampleGetisOrd() {
	w, _ := spatial.Grid(5, 5, true)
	counts := []float64{
		9, 8, 1, 0, 1,
		7, 9, 0, 1, 0,
		1, 0, 1, 0, 1,
		0, 1, 0, 2, 0,
		1, 0, 1, 0, 1,
	}
	r, err := spatial.GetisOrd(counts, w, spatial.Options{Star: true, Permutations: 999, Seed: 1, FDR: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("first row: %q\n", r.Cluster[:5])
	fmt.Printf("z of cell 0: %.2f\n", r.Z[0])
	_, err = spatial.GetisOrd(make([]float64, 25), w, spatial.Options{Star: true})
	fmt.Println(err)
	// Output:
	// first row: ["hot" "hot" "" "" ""]
	// z of cell 0: 4.78
	// the variable is constant; Getis–Ord z-scores are undefined
}
