# Rscript bench/r/forecast.R <series.csv> <method> <period> <horizon> <out.csv>
# series.csv: one series per line, "key,y1,y2,...". Appends "key,f1,...,fh" to out.csv after each
# series, and skips keys already there, so a run that is stopped keeps its work and resumes.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
method <- args[2]; period <- as.numeric(args[3]); horizon <- as.integer(args[4]); out <- args[5]
done <- if (file.exists(out)) sub(',.*', '', readLines(out)) else character(0)
for (line in readLines(args[1])) {
  cells <- strsplit(line, ',')[[1]]
  if (cells[1] %in% done) next
  y <- ts(as.numeric(cells[-1]), frequency = period)
  f <- switch(method,
    ets = forecast(ets(y), h = horizon)$mean,
    thetaf = thetaf(y, h = horizon)$mean,
    auto.arima = forecast(auto.arima(y, stepwise = TRUE, approximation = TRUE), h = horizon)$mean,
    stop(paste('unknown method', method)))
  cat(paste(c(cells[1], format(as.numeric(f), digits = 15)), collapse = ','), '\n', sep = '', file = out, append = TRUE)
}
