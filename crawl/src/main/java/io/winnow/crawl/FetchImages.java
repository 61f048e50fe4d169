package io.winnow.crawl;

import io.winnow.schemas.Digests;
import io.winnow.schemas.ErrorBudget;
import io.winnow.schemas.Progress;
import io.winnow.schemas.Rejection;
import io.winnow.schemas.Sample;
import io.winnow.schemas.Stage;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.UrlRecord;
import java.time.Instant;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Downloads each URL with {@link HttpFetcher}, many at a time: up to {@link
 * FetchSettings#concurrency()} requests in flight per worker JVM and {@link
 * FetchSettings#perHostConcurrency()} per host.
 *
 * <p>Output: on {@link #FETCHED}, a {@link Sample} holding the downloaded bytes (checked to start
 * like an image) and fetch metadata; on {@link #REJECTIONS}, one rejection per URL that failed,
 * with the fetch reason. Every input element yields exactly one of the two. Order is not kept.
 */
public final class FetchImages extends PTransform<PCollection<UrlRecord>, StageResult<Sample>> {
  private static final TupleTag<Sample> FETCHED = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final FetchSettings settings;

  private FetchImages(FetchSettings settings) {
    this.settings = settings;
  }

  public static FetchImages with(FetchSettings settings) {
    return new FetchImages(settings);
  }

  @Override
  public StageResult<Sample> expand(PCollection<UrlRecord> urls) {
    return StageResult.of(
        urls.apply(
            "Download",
            ParDo.of(
                    new FetchFn(settings, ErrorBudget.of("fetch", urls.getPipeline().getOptions())))
                .withOutputTags(FETCHED, TupleTagList.of(REJECTIONS))),
        FETCHED,
        REJECTIONS);
  }

  /**
   * One URL's outcome, produced on a pool thread and emitted, with its metrics, on the DoFn's
   * thread (Beam metrics may only be updated there).
   */
  private record Outcome(Sample sample, Rejection rejection, long millis) {}

  static final class FetchFn extends DoFn<UrlRecord, Sample> {
    private final FetchSettings settings;
    private final Counter fetched = Metrics.counter("fetch", "images");
    private final Counter failed = Metrics.counter("fetch", "failures");
    private final Counter bytes = Metrics.counter("fetch", "bytes");
    private final Distribution millis = Metrics.distribution("fetch", "millis");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("fetch");
    private transient SharedFetchers.Lease lease;
    private transient CompletionService<Outcome> completions;
    private final ErrorBudget errors;
    private transient int inFlight;

    FetchFn(FetchSettings settings, ErrorBudget errors) {
      this.settings = settings;
      this.errors = errors;
    }

    @Setup
    public void setup() {
      lease = SharedFetchers.acquire(settings);
    }

    @StartBundle
    public void startBundle() {
      completions = new ExecutorCompletionService<>(lease.pool());
      inFlight = 0;
    }

    @ProcessElement
    public void process(@Element UrlRecord url, MultiOutputReceiver out) throws Exception {
      completions.submit(() -> fetch(url));
      inFlight++;
      // Emit what is done; block only when this instance already has its share in flight.
      for (Future<Outcome> done = completions.poll(); done != null; done = completions.poll()) {
        emit(done, out);
      }
      while (inFlight >= settings.concurrency()) {
        emit(completions.take(), out);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws Exception {
      while (inFlight > 0) {
        Outcome outcome = get(completions.take());
        if (outcome.sample() != null) {
          context.output(
              FETCHED, outcome.sample(), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
        } else {
          context.output(
              REJECTIONS,
              outcome.rejection(),
              BoundedWindow.TIMESTAMP_MIN_VALUE,
              GlobalWindow.INSTANCE);
        }
      }
    }

    @Teardown
    public void teardown() {
      if (lease != null) {
        SharedFetchers.release(lease);
        lease = null;
      }
    }

    private void emit(Future<Outcome> done, MultiOutputReceiver out) throws Exception {
      Outcome outcome = get(done);
      if (outcome.sample() != null) {
        out.get(FETCHED).output(outcome.sample());
      } else {
        out.get(REJECTIONS).output(outcome.rejection());
      }
    }

    private Outcome get(Future<Outcome> done) throws InterruptedException {
      inFlight--;
      Outcome outcome;
      try {
        outcome = done.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("fetch task failed outside its own error handling", e);
      }
      millis.update(outcome.millis());
      // Request time, summed: requests overlap, so this is not the stage's wall time.
      timer.record(outcome.millis() * 1_000_000L, 1);
      if (outcome.sample() != null) {
        fetched.inc();
        bytes.inc(outcome.sample().byteSize());
        errors.passed();
      } else {
        failed.inc();
        // A server's refusal is data; an exception in the fetcher counts against the budget.
        errors.rejected(outcome.rejection());
      }
      return outcome;
    }

    private Outcome fetch(UrlRecord url) {
      FetchResult result;
      try {
        result = lease.fetcher().fetch(url.normalizedUrl());
      } catch (RuntimeException e) {
        return new Outcome(null, Rejection.ofError(url.key(), url.url(), Stage.FETCH, e), 0);
      }
      if (result instanceof FetchResult.Failure failure) {
        return new Outcome(
            null,
            Rejection.of(url.key(), url.url(), failure.reason(), failure.detail()),
            result.millis());
      }
      FetchResult.Success success = (FetchResult.Success) result;
      Progress.global().fetched(1);
      Sample sample =
          Sample.builder(url.key(), url.url())
              .caption(url.caption())
              .source(url.sourceFile(), url.sourceLine())
              .httpStatus(success.httpStatus())
              .finalUrl(success.finalUrl().equals(url.normalizedUrl()) ? null : success.finalUrl())
              .mimeType(success.format().mimeType())
              .sha256(Digests.sha256Hex(success.body()))
              .md5(Digests.md5Hex(success.body()))
              .byteSize(success.body().length)
              .fetchedAt(Instant.now().toString())
              .fetchMillis(result.millis())
              .image(success.body())
              .build();
      return new Outcome(sample, null, result.millis());
    }
  }
}
