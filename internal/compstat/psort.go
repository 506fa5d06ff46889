package compstat

// psort partially sorts a so that a[ind[k]-1] holds the element of rank
// ind[k] (1-based), by Singleton's quicksort-based selection (Singleton
// 1969, CACM Algorithm 347), as the Fortran behind R's stl does it for the
// median of the absolute residuals. STL calls it with the two middle ranks
// in descending order, for which the bookkeeping of this algorithm leaves
// one of the two positions not fully sorted; R's robustness weights depend
// on that, so it is reproduced here step for step rather than replaced by
// an exact median.
func psort(a0 []float64, ind []int) {
	n, ni := len(a0), len(ind)
	if n < 2 || ni == 0 {
		return
	}
	a := make([]float64, n+1) // 1-based
	copy(a[1:], a0)
	defer copy(a0, a[1:])
	var indu, indl, iu, il [17]int
	var p, i, j, m, k, ij, l int
	var t, tt float64
	jl, ju := 1, ni
	indl[1], indu[1] = 1, ni
	i, j, m = 1, n, 1

outer:
	if i < j {
		goto partition
	}
pop:
	m--
	if m == 0 {
		return
	}
	i, j, jl, ju = il[m], iu[m], indl[m], indu[m]
	if jl > ju {
		goto pop
	}
while:
	if j-i <= 10 {
		goto insertion
	}
partition:
	k = i
	ij = (i + j) / 2
	t = a[ij]
	if a[i] > t {
		a[ij], a[i] = a[i], t
		t = a[ij]
	}
	l = j
	if a[j] < t {
		a[ij], a[j] = a[j], t
		t = a[ij]
		if a[i] > t {
			a[ij], a[i] = a[i], t
			t = a[ij]
		}
	}
	for {
		l--
		if a[l] <= t {
			tt = a[l]
			for {
				k++
				if a[k] >= t {
					break
				}
			}
			if k > l {
				break
			}
			a[l], a[k] = a[k], tt
		}
	}
	indl[m], indu[m] = jl, ju
	p = m
	m++
	if l-i <= j-k {
		il[p], iu[p] = k, j
		j = l
		for {
			if jl > ju {
				goto pop
			}
			if ind[ju-1] <= j {
				break
			}
			ju--
		}
		indl[p] = ju + 1
	} else {
		il[p], iu[p] = i, l
		i = k
		for {
			if jl > ju {
				goto pop
			}
			if ind[jl-1] >= i {
				break
			}
			jl++
		}
		indu[p] = jl - 1
	}
	goto while

insertion:
	if i != 1 {
		i--
		for {
			i++
			if i == j {
				goto pop
			}
			t = a[i+1]
			if a[i] > t {
				k = i
				for {
					a[k+1] = a[k]
					k--
					if t >= a[k] {
						break
					}
				}
				a[k+1] = t
			}
		}
	}
	goto outer
}
