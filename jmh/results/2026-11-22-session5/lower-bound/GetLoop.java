// Throwaway harness of session 5's lower-bound experiment (see ../README.md); not part of the build.
import dev.larder.core.*;
import java.util.*;
public class GetLoop {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    String policy = a.length > 1 ? a[1] : null;
    Larder.Builder b = Larder.builder().maxMemory(512L << 20);
    if (policy != null) b.evictionPolicy(policy);
    Larder l = b.build();
    Cache<byte[], byte[]> c = l.cache("b", Codecs.bytes(), Codecs.bytes(), CacheOptions.defaults().recordStats(!Boolean.getBoolean("nostats")));
    byte[][] keys = new byte[n][];
    SplittableRandom r = new SplittableRandom(1);
    byte[] v = new byte[100];
    for (int i = 0; i < n; i++) { keys[i] = new byte[16]; r.nextBytes(keys[i]); c.put(keys[i], v); }
    int[] ids = new int[1 << 20];
    for (int i = 0; i < ids.length; i++) ids[i] = Boolean.getBoolean("zipf") ? (int) Math.min(n - 1, (long) (Math.pow(r.nextDouble(), 8) * n)) : r.nextInt(n);
    ValueReader<Byte> rd = (buf, off, len) -> buf.getByte(off);
    for (int round = 0; round < 8; round++) {
      long t0 = System.nanoTime(); long sink = 0;
      int ops = Integer.getInteger("ops", 20_000_000);
      for (int i = 0; i < ops; i++) { byte[] x = c.get(keys[ids[i & (ids.length - 1)]]); sink += x.length; }
      long t1 = System.nanoTime();
      for (int i = 0; i < ops; i++) { sink += c.read(keys[ids[i & (ids.length - 1)]], rd); }
      long t2 = System.nanoTime();
      dev.larder.core.CacheImpl<byte[], byte[]> ci = (dev.larder.core.CacheImpl<byte[], byte[]>) c; // needs the patch
      for (int i = 0; i < ops; i++) { sink += ci.rawGet(keys[ids[i & (ids.length - 1)]]).length; }
      long t3 = System.nanoTime();
      System.out.printf("get %.1f ns  read %.1f ns  raw %.1f ns  (%d)%n", (t1 - t0) / (double) ops, (t2 - t1) / (double) ops, (t3 - t2) / (double) ops, sink & 1);
    }
    l.close();
  }
}
