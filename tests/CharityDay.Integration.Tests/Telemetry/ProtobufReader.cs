namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP export requests: a test that decodes the
/// bytes the host really sends needs no generated code and no extra package.
/// </summary>
public static class ProtobufReader
{
    public readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

    public static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var offset = 0;
        while (offset < message.Length)
        {
            var key = ReadVarint(message.Span, ref offset);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    yield return new Field(number, wireType, ReadVarint(message.Span, ref offset), default);
                    break;
                case 1:
                    yield return new Field(number, wireType, BitConverter.ToUInt64(message.Span.Slice(offset, 8)), message.Slice(offset, 8));
                    offset += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref offset);
                    yield return new Field(number, wireType, 0, message.Slice(offset, length));
                    offset += length;
                    break;
                case 5:
                    yield return new Field(number, wireType, BitConverter.ToUInt32(message.Span.Slice(offset, 4)), message.Slice(offset, 4));
                    offset += 4;
                    break;
                default:
                    throw new FormatException($"unsupported wire type {wireType} for field {number}");
            }
        }
    }

    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == 2).Select(f => f.Bytes);

    public static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);

    public static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int offset)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new FormatException("varint longer than 10 bytes");
    }
}
