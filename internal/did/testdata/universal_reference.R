# Independent reference for did's universal base period (no covariates).
#
# R's did is not installed here (not in Debian); this base-R script follows
# att_gt's documented rule for base_period = "universal": every ATT(g,t) is
# compared with the last period before g (ATT(g, g-1) = 0 by construction),
# with never-treated or not-yet-treated comparison units, and computes the
# difference of mean changes and its analytical SE from the influence
# function (scaled by n/n1, SE = sqrt(sum(psi^2))/n).
# Run: Rscript universal_reference.R mpdta.csv > universal_reference.csv
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
units <- unique(d$countyreal)
n <- length(units)
tl <- sort(unique(d$year))
G <- d$first.treat[match(units, d$countyreal)]
Y <- sapply(tl, function(t) d$lemp[d$year == t][match(units, d$countyreal[d$year == t])])
out <- NULL
for (ctrl in c("nevertreated", "notyettreated")) {
  for (g in sort(unique(G[G > 0]))) {
    base <- max(which(tl < g))
    for (tt in seq_along(tl)) {
      if (tt == base) {
        out <- rbind(out, data.frame(control = ctrl, group = g, t = tl[tt], att = 0, se = 0))
        next
      }
      late <- tl[max(tt, base)]
      C <- G == 0 | (ctrl == "notyettreated" & G > late & G != g)
      keep <- G == g | C
      D <- G[keep] == g
      dY <- Y[keep, tt] - Y[keep, base]
      n1 <- sum(keep)
      p <- mean(D)
      mt <- mean(dY[D]); mc <- mean(dY[!D])
      psi <- (n / n1) * ifelse(D, (dY - mt) / p, -(dY - mc) / (1 - p))
      out <- rbind(out, data.frame(control = ctrl, group = g, t = tl[tt], att = mt - mc, se = sqrt(sum(psi^2)) / n))
    }
  }
}
write.csv(out, row.names = FALSE, quote = FALSE)
