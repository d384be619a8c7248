# Writes the golden vectors of sampling::inclusionprobabilities used by
# sampling/inclusion_test.go. Run from the repository root:
#   Rscript examples/peers/inclusion_golden.R
# Needs the CRAN package 'sampling' (Debian: apt-get install r-cran-sampling).
suppressMessages(library(sampling))
out <- "testdata/sampling"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
write_case <- function(name, w, n) {
  pik <- suppressWarnings(inclusionprobabilities(w, n))
  lines <- c("n,w,pi", sprintf("%.17g,%.17g,%.17g", n, w, pik))
  writeLines(lines, file.path(out, paste0("inclusion_", name, ".csv")))
}
write_case("small", c(1, 2, 3), 2)
set.seed(20261125)
write_case("lognormal200", rlnorm(200, 0, 1.5), 40)
write_case("lognormal10000", rlnorm(10000, 0, 1.5), 2000)
write_case("ties", c(5, 5, 5, 1, 1, 1, 1, 2, 2, 0), 4)
w <- rlnorm(50, 0, 1); w[c(3, 10, 11, 40)] <- 0
write_case("zeros_fractional_n", w, 7.5)
write_case("all_certain", c(1, 2, 0, 3), 3)
write_case("cubic", (1:1000)^3, 100)
