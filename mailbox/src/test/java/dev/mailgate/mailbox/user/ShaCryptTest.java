package dev.mailgate.mailbox.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test vectors of Drepper's SHA-crypt specification (inputs and outputs as listed there; the
 * outputs also match this machine's glibc/libxcrypt crypt(3)).
 */
class ShaCryptTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      $5$saltstring|Hello world!|$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5
      $5$rounds=10000$saltstringsaltstring|Hello world!|$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA
      $5$rounds=5000$toolongsaltstring|This is just a test|$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5
      $5$rounds=1400$anotherlongsaltstring|a very much longer text to encrypt.  This one even stretches over morethan one line.|$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1
      $5$rounds=77777$short|we have a short salt string but not a short password|$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/
      $5$rounds=123456$asaltof16chars..|a short string|$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD
      $5$rounds=10$roundstoolow|the minimum number is still observed|$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC
      $6$saltstring|Hello world!|$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1
      $6$rounds=10000$saltstringsaltstring|Hello world!|$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.
      $6$rounds=5000$toolongsaltstring|This is just a test|$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0
      $6$rounds=1400$anotherlongsaltstring|a very much longer text to encrypt.  This one even stretches over morethan one line.|$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1
      $6$rounds=77777$short|we have a short salt string but not a short password|$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0
      $6$rounds=123456$asaltof16chars..|a short string|$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1
      $6$rounds=10$roundstoolow|the minimum number is still observed|$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.
      """)
  void specificationVectors(String setting, String password, String expected) {
    assertThat(ShaCrypt.crypt(password.getBytes(StandardCharsets.UTF_8), setting)).isEqualTo(expected);
    assertThat(ShaCrypt.verify(expected, password.toCharArray())).isTrue();
    assertThat(ShaCrypt.verify(expected, (password + "x").toCharArray())).isFalse();
  }
}
