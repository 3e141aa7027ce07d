/**
 * HAProxy PROXY protocol, versions 1 and 2 with TLVs: {@link
 * dev.mailgate.codec.proxy.ProxyProtocolDecoder} in front of listeners that trust a load balancer,
 * {@link dev.mailgate.codec.proxy.ProxyProtocolEncoder} to convey the client to a backend. Does not
 * use netty-codec-haproxy (the module depends on netty-buffer and netty-codec only).
 */
package dev.mailgate.codec.proxy;
