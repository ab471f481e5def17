# Reference numbers from R's forecast package for test/unit/reference.test.ts.
# Run: Rscript tools/reference/r-forecast-reference.R ../shared/data/r_debian > test/fixtures/r-forecast-reference.json
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else '../shared/data/r_debian'
sets <- list(list(file = 'datasets__AirPassengers.csv', frequency = 12, h = 24),
             list(file = 'forecast__wineind.csv', frequency = 12, h = 24),
             list(file = 'datasets__UKgas.csv', frequency = 4, h = 8),
             list(file = 'datasets__USAccDeaths.csv', frequency = 12, h = 12))
out <- c()
for (s in sets) {
  y <- read.csv(file.path(dir, s$file))$value
  n <- length(y)
  train <- ts(y[1:(n - s$h)], frequency = s$frequency)
  test <- y[(n - s$h + 1):n]
  e <- forecast(ets(train), h = s$h)
  th <- thetaf(train, h = s$h)
  scale <- mean(abs(diff(as.numeric(train), lag = s$frequency)))
  mase <- function(f) mean(abs(test - as.numeric(f))) / scale
  out <- c(out, sprintf('  "%s": {"h": %d, "frequency": %d, "etsModel": "%s", "etsMase": %.6f, "thetafMase": %.6f, "etsForecast": [%s]}',
    s$file, s$h, s$frequency, e$method, mase(e$mean), mase(th$mean), paste(sprintf('%.4f', as.numeric(e$mean)), collapse = ', ')))
}
cat('{\n', paste(out, collapse = ',\n'), '\n}\n', sep = '')
