package density_test

import (
	"context"
	"fmt"
	"io"

	"github.com/oas-atalaya/atalaya/internal/density"
)

func ExampleEstimate() {
	// Three incidents, projected coordinates in metres.
	pts := [][2]float64{{1000, 1000}, {1040, 1010}, {1500, 1200}}
	g, err := density.Estimate(context.Background(), pts, density.Options{
		Kernel:    density.Quartic,
		Bandwidth: 200, // metres
		CellSize:  50,
		Unit:      density.PerCell, // expected incidents per cell
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d × %d cells of %g m; the surface holds %.3f incidents\n", g.Rows, g.Cols, g.CellSize, g.Sum())
	if err := g.PNG(io.Discard, density.YlOrRd); err != nil {
		fmt.Println(err)
	}
	// Output: 12 × 18 cells of 50 m; the surface holds 3.005 incidents
}

func ExampleBandwidth() {
	pts := [][2]float64{{0, 0}, {100, 0}, {0, 100}, {100, 100}, {50, 50}, {300, 20}}
	for _, rule := range []string{"arcgis", "silverman", "scott"} {
		h, err := density.Bandwidth(pts, rule)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %.2f\n", rule, h)
	}
	// Output:
	// arcgis 59.58
	// silverman 41.26
	// scott 63.31
}
