#!/usr/bin/Rscript
# Writes the R golden files that internal/cli's `atalaya analyse` tests
# compare with. Run from this folder with Debian's R and spdep:
#
#     Rscript make_golden.R
#
# Outputs (numbers with 17 significant digits):
#   golden_spdep.csv   case, stat, id, value: local statistics (localG with
#                      and without include.self, localmoran) and global
#                      Moran (moran.test), EBest/EBlocal, on
#                      - lapd_grid: the LAPD 2020 sample counted in 1000 m
#                        cells (equirectangular projection at the mean
#                        latitude, as `analyse hotspots --grid --lonlat`),
#                        queen neighbours of the cells (dnearneigh 0–1.5 on
#                        cell indices);
#                      - nc_queen: NC SIDS counties, poly2nb(queen = TRUE)
#                        on nc_sids_counties.geojson (with localG_perm and
#                        localmoran_perm folded pseudo p-values, iseed = 1);
#                      - nc_knn6, nc_d035: the county centroids (written to
#                        nc_centroids.csv), knearneigh(k = 6) and
#                        dnearneigh(0, 0.35 degrees, 16 islands).
#   golden_r_misc.csv  case, stat, value: poisson.test, NNI, Gini, the
#                      LAPD CompStat window counts, and the monthly CompStat
#                      windows of mexico_homicide_monthly.csv against a year earlier.
#   nottem.csv         R's nottem series (month, temperature) and
#   golden_stl.csv     stl(nottem, "periodic") and stl(nottem, 7, robust = TRUE).
# The Go tests read these files and never run R.
suppressPackageStartupMessages({
  library(spdep)
  library(sf)
})
sf_use_s2(FALSE)
fmt <- function(v) trimws(formatC(v, digits = 17, format = "g"))
loc <- list(); misc <- list()
add <- function(case, stat, id, v) loc[[length(loc) + 1]] <<- data.frame(case = case, stat = stat, id = id, value = fmt(v))
addm <- function(case, stat, v) misc[[length(misc) + 1]] <<- data.frame(case = case, stat = stat, value = fmt(v))

# --- LAPD incidents on a 1000 m grid -------------------------------------
lapd <- read.csv("lapd_crime_2020_first1000.csv", check.names = FALSE)
lapd <- lapd[!(lapd$LAT == 0 & lapd$LON == 0), ]
R <- 6371008.8
cos0 <- cos(mean(lapd$LAT) * pi / 180)
px <- R * lapd$LON * pi / 180 * cos0
py <- R * lapd$LAT * pi / 180
cell <- 1000
ncols <- floor((max(px) - min(px)) / cell) + 1
nrows <- floor((max(py) - min(py)) / cell) + 1
ci <- pmin(floor((px - min(px)) / cell), ncols - 1)
ri <- pmin(floor((py - min(py)) / cell), nrows - 1)
counts <- tabulate(ri * ncols + ci + 1, nbins = nrows * ncols)
grid <- expand.grid(c = 0:(ncols - 1), r = 0:(nrows - 1))  # row-major, c fastest
ids <- sprintf("r%d_c%d", grid$r, grid$c)
nb <- dnearneigh(cbind(grid$c, grid$r), 0, 1.5)
addm("lapd_grid", "rows", nrows); addm("lapd_grid", "cols", ncols)
x <- counts
add("lapd_grid", "value", ids, x)
add("lapd_grid", "gistar_z_B", ids, as.numeric(localG(x, nb2listw(include.self(nb), style = "B", zero.policy = TRUE), zero.policy = TRUE)))
add("lapd_grid", "gi_z_B", ids, as.numeric(localG(x, nb2listw(nb, style = "B", zero.policy = TRUE), zero.policy = TRUE)))
lm <- localmoran(x, nb2listw(nb, style = "W", zero.policy = TRUE), zero.policy = TRUE)
add("lapd_grid", "lisa_I_W", ids, lm[, 1]); add("lapd_grid", "lisa_Z_W", ids, lm[, 4]); add("lapd_grid", "lisa_P_W", ids, lm[, 5])
mt <- moran.test(x, nb2listw(nb, style = "W", zero.policy = TRUE), randomisation = TRUE, zero.policy = TRUE, adjust.n = FALSE)
addm("lapd_grid", "moran_I_W", mt$estimate[1]); addm("lapd_grid", "moran_VarRand_W", mt$estimate[3])

# --- NC SIDS, queen contiguity from the GeoJSON ---------------------------
nc <- read.csv("nc_sids.csv")
shp <- st_read("nc_sids_counties.geojson", quiet = TRUE)
stopifnot(all(shp$FIPSNO == nc$FIPSNO))
nbq <- poly2nb(shp, queen = TRUE)
ids <- as.character(nc$FIPSNO)
x <- nc$NWR79
add("nc_queen", "gistar_z_W", ids, as.numeric(localG(x, nb2listw(include.self(nbq), style = "W"), zero.policy = TRUE)))
lm <- localmoran(x, nb2listw(nbq, style = "W"), zero.policy = TRUE)
add("nc_queen", "lisa_I_W", ids, lm[, 1]); add("nc_queen", "lisa_E_W", ids, lm[, 2]); add("nc_queen", "lisa_V_W", ids, lm[, 3]); add("nc_queen", "lisa_Z_W", ids, lm[, 4])
add("nc_queen", "EBest_74", ids, EBest(nc$SID74, nc$BIR74)$estmm)
add("nc_queen", "EBlocal_74", ids, EBlocal(nc$SID74, nc$BIR74, nbq, geoda = TRUE)$est)
mt <- moran.test(x, nb2listw(nbq, style = "W"), randomisation = FALSE, adjust.n = FALSE)
addm("nc_queen", "moran_I_W", mt$estimate[1]); addm("nc_queen", "moran_VarNorm_W", mt$estimate[3])

# Permutation pseudo p-values (for agreement within Monte-Carlo error).
gp <- attr(localG_perm(x, nb2listw(include.self(nbq), style = "W"), nsim = 999, zero.policy = TRUE, iseed = 1), "internals")
add("nc_queen", "gistar_psim_folded_W", ids, gp[, "Pr(folded) Sim"])
lp <- localmoran_perm(x, nb2listw(nbq, style = "W"), nsim = 999, zero.policy = TRUE, iseed = 1)
add("nc_queen", "lisa_psim_folded_W", ids, lp[, "Pr(folded) Sim"])
# Point weights on the county centroids (planar, in degrees): k nearest and
# a distance band, written to nc_centroids.csv for the Go test.
cen <- st_coordinates(st_centroid(st_geometry(shp)))
write.csv(data.frame(FIPSNO = nc$FIPSNO, x = fmt(cen[, 1]), y = fmt(cen[, 2]), NWR79 = fmt(nc$NWR79)), "nc_centroids.csv", row.names = FALSE, quote = FALSE)
cx <- as.numeric(fmt(cen[, 1])); cy <- as.numeric(fmt(cen[, 2]))
nbk <- knn2nb(knearneigh(cbind(cx, cy), k = 6))
add("nc_knn6", "gistar_z_B", ids, as.numeric(localG(x, nb2listw(include.self(nbk), style = "B"), zero.policy = TRUE)))
add("nc_knn6", "lisa_Z_W", ids, localmoran(x, nb2listw(nbk, style = "W"), zero.policy = TRUE)[, 4])
nbd <- dnearneigh(cbind(cx, cy), 0, 0.35)  # 16 islands
add("nc_d035", "gi_z_B", ids, as.numeric(localG(x, nb2listw(nbd, style = "B", zero.policy = TRUE), zero.policy = TRUE)))
add("nc_d035", "lisa_Z_W", ids, localmoran(x, nb2listw(nbd, style = "W", zero.policy = TRUE), zero.policy = TRUE)[, 4])

# --- exact Poisson tests ----------------------------------------------------
for (cs in list(c(25, 16, 1, 1), c(120, 90, 28, 28), c(3, 11, 7, 7), c(40, 31, 366, 365))) {
  pt <- poisson.test(cs[1:2], cs[3:4])
  nm <- sprintf("ratetest_%d_%d_%g_%g", cs[1], cs[2], cs[3], cs[4])
  addm(nm, "ratio", pt$estimate); addm(nm, "low", pt$conf.int[1]); addm(nm, "high", pt$conf.int[2]); addm(nm, "p", pt$p.value)
}

# --- LAPD: nearest-neighbour index, concentration, CompStat windows --------
d <- as.matrix(dist(cbind(px, py)))
diag(d) <- Inf
obs <- mean(apply(d, 1, min))
A <- (max(px) - min(px)) * (max(py) - min(py))
n <- length(px)
addm("lapd_nni", "observed", obs); addm("lapd_nni", "expected", 0.5 / sqrt(n / A)); addm("lapd_nni", "ratio", obs / (0.5 / sqrt(n / A)))
cnt <- sort(as.numeric(table(lapd[["Rpt Dist No"]])))
k <- length(cnt)
gini <- sum((2 * seq_len(k) - k - 1) * cnt) / (k * sum(cnt))
addm("lapd_concentration", "places", k); addm("lapd_concentration", "gini", gini)
day <- as.Date(substr(lapd[["DATE OCC"]], 1, 10), format = "%m/%d/%Y")
asof <- as.Date("2020-12-31")
win <- function(from, to) sum(day >= from & day <= to)
for (w in c(7, 28)) {
  cur <- win(asof - w + 1, asof); prev <- win(asof - 2 * w + 1, asof - w)
  addm(sprintf("lapd_compare_%dd", w), "count", cur); addm(sprintf("lapd_compare_%dd", w), "previous", prev)
  if (cur + prev > 0) addm(sprintf("lapd_compare_%dd", w), "p_previous", poisson.test(c(cur, prev), c(w, w))$p.value)
}

# --- Mexico monthly homicides: CompStat by month as of 2025-06 ------------
mx <- read.csv("mexico_homicide_monthly.csv", comment.char = "#")
cnt <- function(y1, m1, y2, m2) sum(mx$victims[(mx$year * 12 + mx$month) >= y1 * 12 + m1 & (mx$year * 12 + mx$month) <= y2 * 12 + m2])
days <- function(y1, m1, y2, m2) as.numeric(as.Date(sprintf("%d-%02d-01", y2 + (m2 == 12), m2 %% 12 + 1)) - as.Date(sprintf("%d-%02d-01", y1, m1)))
for (w in list(list("1m", 2025, 6, 2025, 6), list("3m", 2025, 4, 2025, 6), list("ytd", 2025, 1, 2025, 6))) {
  nm <- paste0("mx_compare_", w[[1]]); y1 <- w[[2]]; m1 <- w[[3]]; y2 <- w[[4]]; m2 <- w[[5]]
  cur <- cnt(y1, m1, y2, m2); ly <- cnt(y1 - 1, m1, y2 - 1, m2)
  pt <- poisson.test(c(cur, ly), c(days(y1, m1, y2, m2), days(y1 - 1, m1, y2 - 1, m2)))
  addm(nm, "count", cur); addm(nm, "last_year", ly); addm(nm, "ratio", pt$estimate); addm(nm, "low", pt$conf.int[1]); addm(nm, "high", pt$conf.int[2]); addm(nm, "p", pt$p.value)
}

# --- STL on nottem ----------------------------------------------------------
y <- as.numeric(nottem)
months <- sprintf("%04d-%02d", floor(time(nottem) + 1e-6), cycle(nottem))
write.csv(data.frame(month = months, temp = fmt(y)), "nottem.csv", row.names = FALSE, quote = FALSE)
s1 <- stl(nottem, s.window = "periodic")$time.series
s2 <- stl(nottem, s.window = 7, robust = TRUE)$time.series
write.csv(data.frame(month = months, periodic_seasonal = fmt(s1[, 1]), periodic_trend = fmt(s1[, 2]),
                     s7r_seasonal = fmt(s2[, 1]), s7r_trend = fmt(s2[, 2])), "golden_stl.csv", row.names = FALSE, quote = FALSE)

write.csv(do.call(rbind, loc), "golden_spdep.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, misc), "golden_r_misc.csv", row.names = FALSE, quote = FALSE)
cat("spdep", as.character(packageVersion("spdep")), R.version.string, "\n")
