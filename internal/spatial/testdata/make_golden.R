#!/usr/bin/Rscript
# Writes the R spdep golden files that internal/spatial is tested against.
# Run from this folder with Debian's R and spdep (r-cran-spdep 1.2-7):
#
#     Rscript make_golden.R
#
# Outputs (CSV, numbers written with 17 significant digits):
#   spdep_points.csv       60 seeded random points and a variable, for the
#                          k-nearest and distance-band cases
#   spdep_grid.csv         a 9 x 11 lattice variable (row-major cells)
#   spdep_nb.csv           neighbour lists: case, i, j (0-based)
#   spdep_local.csv        case, stat, i (0-based), value
#   spdep_global.csv       case, stat, value
# The Go tests read these files and never run R.
suppressPackageStartupMessages({
  library(spdep)
  library(sf)
})
sf_use_s2(FALSE)
fmt <- function(v) trimws(formatC(v, digits = 17, format = "g"))

nc <- read.csv("nc_sids.csv")
shp <- st_read("nc_sids_counties.geojson", quiet = TRUE)
stopifnot(all(shp$FIPSNO == nc$FIPSNO))

set.seed(20261128)
pts <- data.frame(x = runif(60, 0, 100), y = runif(60, 0, 50))
pts$v <- round(rpois(60, lambda = 3 + pts$x / 20))
write.csv(data.frame(x = fmt(pts$x), y = fmt(pts$y), v = pts$v), "spdep_points.csv", row.names = FALSE, quote = FALSE)

nr <- 9; ncol <- 11
grid <- expand.grid(c = 1:ncol, r = 1:nr)  # row-major: c varies fastest
gx <- round(10 * abs(sin(grid$r * 1.7 + grid$c * 0.9)) + grid$r)
write.csv(data.frame(v = gx), "spdep_grid.csv", row.names = FALSE, quote = FALSE)
coords_grid <- cbind(grid$c, grid$r)

nbs <- list(
  nc_rook = poly2nb(shp, queen = FALSE),
  nc_queen = poly2nb(shp, queen = TRUE),
  pts_knn4 = knn2nb(knearneigh(as.matrix(pts[, 1:2]), k = 4)),
  pts_d15 = dnearneigh(as.matrix(pts[, 1:2]), 0, 15),
  grid_queen = dnearneigh(coords_grid, 0, 1.5),
  grid_rook = dnearneigh(coords_grid, 0, 1.0)
)
nbrows <- list()
for (nm in names(nbs)) {
  nb <- nbs[[nm]]
  for (i in seq_along(nb)) {
    js <- nb[[i]]
    js <- js[js > 0]
    if (length(js)) nbrows[[length(nbrows) + 1]] <- data.frame(case = nm, i = i - 1, j = js - 1)
  }
}
write.csv(do.call(rbind, nbrows), "spdep_nb.csv", row.names = FALSE, quote = FALSE)

# case name, neighbours, style, variable
cases <- list(
  list("nc_rook_W", "nc_rook", "W", nc$SIDR74),
  list("nc_queen_B", "nc_queen", "B", nc$NWR79),
  list("pts_knn4_W", "pts_knn4", "W", pts$v),
  list("pts_d15_B", "pts_d15", "B", pts$v),
  list("grid_queen_W", "grid_queen", "W", gx),
  list("grid_rook_B", "grid_rook", "B", gx)
)
loc <- list(); glob <- list()
add <- function(case, stat, v) loc[[length(loc) + 1]] <<- data.frame(case = case, stat = stat, i = seq_along(v) - 1, value = fmt(v))
addg <- function(case, stat, v) glob[[length(glob) + 1]] <<- data.frame(case = case, stat = stat, value = fmt(v))
for (cs in cases) {
  name <- cs[[1]]; nb <- nbs[[cs[[2]]]]; style <- cs[[3]]; x <- cs[[4]]
  lw <- nb2listw(nb, style = style, zero.policy = TRUE)
  lws <- nb2listw(include.self(nb), style = style, zero.policy = TRUE)
  add(name, "x", x)
  add(name, "gi_z", as.numeric(localG(x, lw, zero.policy = TRUE)))
  add(name, "gistar_z", as.numeric(localG(x, lws, zero.policy = TRUE)))
  gi <- attr(localG(x, lw, zero.policy = TRUE, return_internals = TRUE), "internals")
  add(name, "gi_G", gi[, 1]); add(name, "gi_EG", gi[, 2]); add(name, "gi_VG", gi[, 3])
  gs <- attr(localG(x, lws, zero.policy = TRUE, return_internals = TRUE), "internals")
  add(name, "gistar_G", gs[, 1]); add(name, "gistar_EG", gs[, 2]); add(name, "gistar_VG", gs[, 3])
  lm <- localmoran(x, lw, zero.policy = TRUE)
  add(name, "lisa_I", lm[, 1]); add(name, "lisa_E", lm[, 2]); add(name, "lisa_V", lm[, 3]); add(name, "lisa_Z", lm[, 4]); add(name, "lisa_P", lm[, 5])
  lmt <- localmoran(x, lw, zero.policy = TRUE, conditional = FALSE)
  add(name, "lisa_Etotal", lmt[, 2]); add(name, "lisa_Vtotal", lmt[, 3])
  q <- attr(lm, "quadr")$pysal
  add(name, "lisa_quad_pysal", as.character(q))
  lp <- localmoran_perm(x, lw, nsim = 999, zero.policy = TRUE, iseed = 1)
  add(name, "lisa_psim_folded", lp[, "Pr(folded) Sim"])
  gp <- attr(localG_perm(x, lws, nsim = 999, zero.policy = TRUE, iseed = 1), "internals")
  add(name, "gistar_psim_folded", gp[, "Pr(folded) Sim"])
  mr <- moran.test(x, lw, randomisation = TRUE, zero.policy = TRUE, adjust.n = FALSE)
  mn <- moran.test(x, lw, randomisation = FALSE, zero.policy = TRUE, adjust.n = FALSE)
  addg(name, "I", mr$estimate[1]); addg(name, "E", mr$estimate[2])
  addg(name, "VarRand", mr$estimate[3]); addg(name, "VarNorm", mn$estimate[3])
  mc <- moran.mc(x, lw, nsim = 999, zero.policy = TRUE)
  addg(name, "mc_p_greater", mc$p.value)
}
# Empirical Bayes on NC SIDS 1974 (SID74 deaths, BIR74 births).
eb <- EBest(nc$SID74, nc$BIR74)
add("nc_eb", "EBest", eb$estmm)
ebl <- EBlocal(nc$SID74, nc$BIR74, nbs$nc_rook, geoda = TRUE)
add("nc_eb", "EBlocal_rook", ebl$est)
ebq <- EBlocal(nc$SID79, nc$BIR79, nbs$nc_queen, geoda = TRUE)
add("nc_eb", "EBlocal_queen_79", ebq$est)
eb79 <- EBest(nc$SID79, nc$BIR79)
add("nc_eb", "EBest_79", eb79$estmm)
# Benjamini-Hochberg on the rook LISA p-values.
p <- localmoran(nc$SIDR74, nb2listw(nbs$nc_rook, style = "W"))[, 5]
add("nc_bh", "p", p)
add("nc_bh", "p_BH", p.adjust(p, "BH"))
write.csv(do.call(rbind, loc), "spdep_local.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, glob), "spdep_global.csv", row.names = FALSE, quote = FALSE)
cat("spdep", as.character(packageVersion("spdep")), R.version.string, "\n")
