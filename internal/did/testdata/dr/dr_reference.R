# Independent reference for did's doubly robust and IPW ATT(g,t) with a covariate.
#
# R's did and DRDID packages are not installed here (not in Debian), so this
# script recomputes, with base R only (glm for the logit, lm for the outcome
# regression), the formulas of DRDID::drdid_panel (pedrohcgs/DRDID
# R/drdid_panel.R at 20929a8f) and of DRDID::std_ipw_did_panel (the same
# without the outcome regression) inside R did's att_gt loop: never-treated
# comparison units, varying base period, xformla = ~lpop, influence function
# scaled by n/n1, analytical SE sqrt(sum(psi^2))/n. It checks the Go code's
# logit (IRLS), regression and influence-function arithmetic, not R did itself.
# Run: Rscript dr_reference.R ../mpdta.csv > dr_reference.csv
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
units <- unique(d$countyreal)
n <- length(units)
tl <- sort(unique(d$year))
G <- d$first.treat[match(units, d$countyreal)]
Y <- sapply(tl, function(t) d$lemp[d$year == t][match(units, d$countyreal[d$year == t])])
X <- sapply(tl, function(t) d$lpop[d$year == t][match(units, d$countyreal[d$year == t])])
out <- NULL
for (g in sort(unique(G[G > 0]))) {
  for (ti in 1:(length(tl) - 1)) {
    tt <- ti + 1
    pret <- ti
    if (g <= tl[tt]) pret <- max(which(tl < g))
    keep <- G == g | G == 0
    D <- as.numeric(G[keep] == g)
    dY <- Y[keep, tt] - Y[keep, pret]
    x <- cbind(1, X[keep, min(tt, pret)])
    n1 <- sum(keep)
    ps <- fitted(glm(D ~ -1 + x, family = binomial()))
    ps <- pmin(ps, 1 - 1e-6)
    trim <- ifelse(D == 0, ps < 0.995, TRUE)
    W <- ps * (1 - ps)
    b <- coef(lm(dY ~ -1 + x, subset = D == 0))
    od <- as.vector(x %*% b)
    wt <- trim * D
    wc <- trim * ps * (1 - D) / (1 - ps)
    etaT <- mean(wt * (dY - od)) / mean(wt)
    etaC <- mean(wc * (dY - od)) / mean(wc)
    XpXinv <- solve(crossprod((1 - D) * x, x) / n1)
    alr.ols <- ((1 - D) * (dY - od) * x) %*% XpXinv
    alr.ps <- ((D - ps) * x) %*% (chol2inv(chol(t(x) %*% (W * x))) * n1)
    inf.t <- (wt * (dY - od) - wt * etaT - alr.ols %*% colMeans(wt * x)) / mean(wt)
    inf.c <- (wc * (dY - od) - wc * etaC + alr.ps %*% colMeans(wc * (dY - od - etaC) * x) -
              alr.ols %*% colMeans(wc * x)) / mean(wc)
    psi <- (n / n1) * (inf.t - inf.c)
    out <- rbind(out, data.frame(method = "dr", group = g, t = tl[tt], att = etaT - etaC, se = sqrt(sum(psi^2)) / n))
    # IPW: no outcome regression
    etaT <- mean(wt * dY) / mean(wt)
    etaC <- mean(wc * dY) / mean(wc)
    inf.t <- (wt * dY - wt * etaT) / mean(wt)
    inf.c <- (wc * dY - wc * etaC + alr.ps %*% colMeans(wc * (dY - etaC) * x)) / mean(wc)
    psi <- (n / n1) * (inf.t - inf.c)
    out <- rbind(out, data.frame(method = "ipw", group = g, t = tl[tt], att = etaT - etaC, se = sqrt(sum(psi^2)) / n))
  }
}
write.csv(out, row.names = FALSE, quote = FALSE)
