package dev.thingbridge.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response body read as a stream, with the socket kept busy while the reader works: up to {@code prefetch}
 * chunks the client delivers are asked for ahead and queued, where {@link HttpResponse.BodyHandlers#ofInputStream}
 * asks for the next chunk only once the previous one was read, so every chunk (16 KiB) costs a wake-up of the
 * client's selector and of the reader. A {@code read} copies from as many queued chunks as fit.
 *
 * <p>{@link #close} may come from any thread (a watchdog, a cancellation): it cancels the body and makes a read
 * that waits fail.
 */
final class PrefetchingBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
  private final int prefetch;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<List<ByteBuffer>> chunks = new ArrayDeque<>();
  private Flow.Subscription subscription;
  private int chunkIndex;
  private boolean complete;
  private boolean closed;
  private Throwable failure;

  /** A body that asks for up to {@code prefetch} chunks ahead of the reader. */
  PrefetchingBody(int prefetch) {
    this.prefetch = Math.max(1, prefetch);
  }

  /** A handler whose bodies prefetch {@code prefetch} chunks. */
  static HttpResponse.BodyHandler<InputStream> handler(int prefetch) {
    return info -> new PrefetchingBody(prefetch);
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedStage(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    boolean cancel;
    lock.lock();
    try {
      cancel = closed || subscription != null;
      if (!cancel) {
        subscription = s;
      }
    } finally {
      lock.unlock();
    }
    if (cancel) {
      s.cancel();
    } else {
      s.request(prefetch);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    List<ByteBuffer> bytes = item.stream().filter(ByteBuffer::hasRemaining).toList();
    if (bytes.isEmpty()) {
      subscription.request(1);
      return;
    }
    lock.lock();
    try {
      if (!closed) {
        chunks.addLast(bytes);
        arrived.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onError(Throwable t) {
    lock.lock();
    try {
      failure = t;
      arrived.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onComplete() {
    lock.lock();
    try {
      complete = true;
      arrived.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int done = 0;
    int consumed = 0;
    lock.lock();
    try {
      while (chunks.isEmpty()) {
        if (closed) {
          throw new IOException("the response body is closed");
        }
        if (failure != null) {
          throw failure instanceof IOException io ? io : new IOException(failure);
        }
        if (complete) {
          return -1;
        }
        try {
          arrived.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the response body");
        }
      }
      while (done < length && !chunks.isEmpty()) {
        List<ByteBuffer> chunk = chunks.peekFirst();
        ByteBuffer b = chunk.get(chunkIndex);
        int n = Math.min(b.remaining(), length - done);
        b.get(into, offset + done, n);
        done += n;
        if (!b.hasRemaining()) {
          chunkIndex++;
          if (chunkIndex == chunk.size()) {
            chunks.removeFirst();
            chunkIndex = 0;
            consumed++;
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (consumed > 0) {
      subscription.request(consumed);
    }
    return done;
  }

  @Override
  public int available() {
    lock.lock();
    try {
      return chunks.isEmpty() ? 0 : chunks.peekFirst().get(chunkIndex).remaining();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    Flow.Subscription s;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      chunks.clear();
      s = subscription;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.cancel();
    }
  }
}
