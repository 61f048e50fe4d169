package io.winnow.filters;

import io.winnow.schemas.Rejection;
import io.winnow.schemas.StageResult;
import io.winnow.schemas.UrlRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Drops URLs on unsafe domains and URLs their owners opted out, before any request is sent: {@code
 * unsafe-domain} (a block-list rule matched and no allow rule) or {@code opted-out} (the URL or its
 * domain is on the user's opt-out list), each naming the rule and its list and line. The fetcher
 * applies the same policy to every redirect hop.
 */
public final class DropUnsafeDomains
    extends PTransform<PCollection<UrlRecord>, StageResult<UrlRecord>> {
  private static final TupleTag<UrlRecord> URLS = new TupleTag<>() {};
  private static final TupleTag<Rejection> REJECTIONS = new TupleTag<>() {};

  private final DomainPolicy policy;

  private DropUnsafeDomains(DomainPolicy policy) {
    this.policy = policy;
  }

  public static DropUnsafeDomains with(DomainPolicy policy) {
    return new DropUnsafeDomains(policy);
  }

  @Override
  public StageResult<UrlRecord> expand(PCollection<UrlRecord> urls) {
    PCollectionTuple out =
        urls.apply(
            "CheckDomains",
            ParDo.of(new CheckFn(policy)).withOutputTags(URLS, TupleTagList.of(REJECTIONS)));
    out.get(URLS).setCoder(urls.getCoder());
    return StageResult.of(out, URLS, REJECTIONS);
  }

  static final class CheckFn extends DoFn<UrlRecord, UrlRecord> {
    private final DomainPolicy policy;
    private final Counter dropped = Metrics.counter("filter", "domain_refusals");
    private final io.winnow.schemas.StageTimer timer = io.winnow.schemas.StageTimer.of("domains");

    CheckFn(DomainPolicy policy) {
      this.policy = policy;
    }

    @ProcessElement
    public void process(@Element UrlRecord url, MultiOutputReceiver out) {
      long start = System.nanoTime();
      DomainPolicy.Refusal refusal = policy.check(url.normalizedUrl());
      timer.since(start);
      if (refusal == null) {
        out.get(URLS).output(url);
      } else {
        dropped.inc();
        out.get(REJECTIONS)
            .output(Rejection.of(url.key(), url.url(), refusal.reason(), refusal.detail()));
      }
    }
  }
}
