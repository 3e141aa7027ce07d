package dev.mailgate.bench.load.servers;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A reference target for the harness, not a product: the least a JVM IMAP proxy on Netty can do.
 * It greets, reads the client's first line (the scenarios' LOGIN), connects to Dovecot on the same
 * event loop, drops Dovecot's greeting, passes the line on and from then on splices bytes both
 * ways with Netty's writability as backpressure. No Reactor, no reactor-netty, no parsing beyond
 * that one line, no policies, no TLS, no session tracking: what mailgate spends beyond this is the
 * cost of its own machinery, not of the JVM, Netty or the io_uring transport it shares (it runs with
 * the launcher's JVM flags, see {@link NettySpliceProcess}).
 *
 * <p>Plaintext IMAP only; the harness runs it in {@code imap_session} and {@code imap_fetch}.
 * Usage: {@code NettySplice LISTEN_PORT BACKEND_PORT} (both on 127.0.0.1).
 */
public final class NettySplice {

  /** The longest first line (and backend greeting) it reads before giving up on the connection. */
  static final int MAX_LINE = 8192;

  private static final byte[] GREETING =
      "* OK [CAPABILITY IMAP4rev1 LITERAL+] netty-splice ready\r\n".getBytes(StandardCharsets.US_ASCII);

  private NettySplice() {}

  public static void main(String[] args) throws InterruptedException {
    start(Integer.parseInt(args[0]), Integer.parseInt(args[1])).closeFuture().sync();
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port); closing the returned channel's loops is the caller's. */
  static Channel start(int port, int backendPort) throws InterruptedException {
    boolean uring = IoUring.isAvailable(); // the transport reactor-netty picks for mailgate here
    IoHandlerFactory io = uring ? IoUringIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> server = uring ? IoUringServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends Channel> client = uring ? IoUringSocketChannel.class : NioSocketChannel.class;
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
    Channel listener = new ServerBootstrap()
        .group(loops)
        .channel(server)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new Front(client, backendPort));
          }
        })
        .bind("127.0.0.1", port)
        .sync()
        .channel();
    listener.closeFuture().addListener(f -> loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS));
    return listener;
  }

  /** The client's side: the first line, then the splice to {@link #backend}. */
  static final class Front extends ChannelInboundHandlerAdapter {
    private final Class<? extends Channel> channelType;
    private final int backendPort;
    /** What the client sent before the backend was connected. */
    private ByteBuf early;
    private boolean connecting;
    private Channel backend;

    Front(Class<? extends Channel> channelType, int backendPort) {
      this.channelType = channelType;
      this.backendPort = backendPort;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(GREETING));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (backend != null) {
        backend.write(in);
        return;
      }
      early = early == null ? in : Unpooled.wrappedBuffer(early, in);
      if (connecting) {
        return; // goes to the backend with the line once connected
      }
      if (early.indexOf(early.readerIndex(), early.writerIndex(), (byte) '\n') >= 0) {
        connecting = true;
        connect(ctx.channel());
      } else if (early.readableBytes() > MAX_LINE) {
        ctx.close();
      }
    }

    private void connect(Channel front) {
      front.config().setAutoRead(false);
      new Bootstrap()
          .group(front.eventLoop())
          .channel(channelType)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Back(front))
          .connect("127.0.0.1", backendPort)
          .addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
              front.close();
              return;
            }
            if (!front.isActive()) {
              f.channel().close();
              return;
            }
            backend = f.channel();
            ByteBuf line = early;
            early = null;
            backend.writeAndFlush(line);
            front.config().setAutoRead(true);
          });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (backend != null) {
        backend.flush();
        if (!backend.isWritable()) {
          ctx.channel().config().setAutoRead(false); // resumed by Back.channelWritabilityChanged
        }
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (backend != null && ctx.channel().isWritable()) {
        backend.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (backend != null) {
        backend.close();
      }
      if (early != null) {
        early.release();
        early = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The backend's side: its greeting dropped, then everything to the client. */
  static final class Back extends ChannelInboundHandlerAdapter {
    private final Channel front;
    private int greetingLeft = MAX_LINE;
    private boolean greeted;

    Back(Channel front) {
      this.front = front;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (!greeted) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
          greetingLeft -= in.readableBytes();
          in.release();
          if (greetingLeft < 0) {
            ctx.close();
          }
          return;
        }
        greeted = true;
        in.readerIndex(eol + 1);
      }
      if (in.isReadable()) {
        front.write(in);
      } else {
        in.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      front.flush();
      if (!front.isWritable()) {
        ctx.channel().config().setAutoRead(false); // resumed by Front.channelWritabilityChanged
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        front.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      front.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
